package dev.airlock.policy.ast;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits Rego text into tokens. Errors (bad escapes, unterminated strings, stray characters)
 * are collected as {@code rego_parse_error}s; the offending text becomes an ILLEGAL token so the
 * parser reports at most one follow-on error.
 */
public final class Lexer {
    /** A {@code # ...} comment, kept for METADATA annotations. */
    record Comment(String text, int row, int col) {}

    /** The source of one {@code {expr}} inside a template string, with where it starts. */
    record TemplatePart(String source, int row, int col) {}

    private final String src;
    private final String file;
    private final List<RegoError> errors;
    private final List<Comment> comments = new ArrayList<>();
    private int pos;
    private int row;
    private int col;

    Lexer(String src, String file, List<RegoError> errors) {
        this(src, file, errors, 1, 1);
    }

    /** Lexes a fragment that starts at the given row and column of its file (template parts). */
    Lexer(String src, String file, List<RegoError> errors, int row, int col) {
        this.src = src;
        this.file = file;
        this.errors = errors;
        this.row = row;
        this.col = col;
    }

    List<Comment> comments() {
        return comments;
    }

    /** True when s can be written after a dot in a reference (letters, digits, underscore). */
    public static boolean isIdentifierPublic(String s) {
        return isIdentifier(s);
    }

    static boolean isIdentifier(String s) {
        if (s.isEmpty() || !isIdentStart(s.charAt(0))) return false;
        for (int i = 1; i < s.length(); i++) if (!isIdentPart(s.charAt(i))) return false;
        return true;
    }

    private static boolean isIdentStart(char c) {
        return c == '_' || Character.isLetter(c);
    }

    private static boolean isIdentPart(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    List<Token> tokenize() {
        List<Token> out = new ArrayList<>();
        boolean nl = false;
        while (true) {
            // Skip whitespace and comments, remembering line breaks.
            while (pos < src.length()) {
                char c = src.charAt(pos);
                if (c == '\n') {
                    nl = true;
                    advance();
                } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                    advance();
                } else if (c == '#') {
                    int r = row;
                    int cl = col;
                    int start = pos;
                    while (pos < src.length() && src.charAt(pos) != '\n') advance();
                    comments.add(new Comment(src.substring(start + 1, pos).replace("\r", ""), r, cl));
                } else {
                    break;
                }
            }
            if (pos >= src.length()) {
                out.add(new Token(Token.Kind.EOF, "", row, col, true, null));
                return out;
            }
            out.add(next(nl));
            nl = false;
        }
    }

    private void advance() {
        if (src.charAt(pos) == '\n') {
            row++;
            col = 1;
        } else {
            col++;
        }
        pos++;
    }

    private char peek(int ahead) {
        int p = pos + ahead;
        return p < src.length() ? src.charAt(p) : '\0';
    }

    private Token tok(Token.Kind k, String text, int r, int c, boolean nl) {
        return new Token(k, text, r, c, nl, null);
    }

    private Token next(boolean nl) {
        int r = row;
        int c = col;
        char ch = src.charAt(pos);
        if (isIdentStart(ch)) {
            int start = pos;
            while (pos < src.length() && isIdentPart(src.charAt(pos))) advance();
            return tok(Token.Kind.IDENT, src.substring(start, pos), r, c, nl);
        }
        if (ch >= '0' && ch <= '9' || ch == '.' && peek(1) >= '0' && peek(1) <= '9') {
            return number(r, c, nl);
        }
        switch (ch) {
            case '"' -> {
                advance();
                String s = quoted(r, c, false, null);
                return new Token(Token.Kind.STRING, s, r, c, nl, null);
            }
            case '`' -> {
                advance();
                int start = pos;
                while (pos < src.length() && src.charAt(pos) != '`') advance();
                if (pos >= src.length()) {
                    error(r, c, "unterminated raw string: expected a closing `");
                    return tok(Token.Kind.ILLEGAL, "`", r, c, nl);
                }
                String s = src.substring(start, pos);
                advance();
                return new Token(Token.Kind.RAW_STRING, s, r, c, nl, null);
            }
            case '$' -> {
                if (peek(1) == '"' || peek(1) == '`') {
                    boolean raw = peek(1) == '`';
                    advance();
                    advance();
                    List<Object> parts = new ArrayList<>();
                    template(r, c, raw, parts);
                    return new Token(Token.Kind.TEMPLATE, raw ? "`" : "\"", r, c, nl, parts);
                }
            }
            default -> { }
        }
        advance();
        Token.Kind k = switch (ch) {
            case '{' -> Token.Kind.LBRACE;
            case '}' -> Token.Kind.RBRACE;
            case '[' -> Token.Kind.LBRACK;
            case ']' -> Token.Kind.RBRACK;
            case '(' -> Token.Kind.LPAREN;
            case ')' -> Token.Kind.RPAREN;
            case '.' -> Token.Kind.DOT;
            case ',' -> Token.Kind.COMMA;
            case ';' -> Token.Kind.SEMI;
            case '+' -> Token.Kind.PLUS;
            case '-' -> Token.Kind.MINUS;
            case '*' -> Token.Kind.STAR;
            case '/' -> Token.Kind.SLASH;
            case '%' -> Token.Kind.PERCENT;
            case '&' -> Token.Kind.AMP;
            case '|' -> Token.Kind.PIPE;
            case ':' -> {
                if (peek(0) == '=') {
                    advance();
                    yield Token.Kind.ASSIGN;
                }
                yield Token.Kind.COLON;
            }
            case '=' -> {
                if (peek(0) == '=') {
                    advance();
                    yield Token.Kind.EQ;
                }
                yield Token.Kind.UNIFY;
            }
            case '!' -> {
                if (peek(0) == '=') {
                    advance();
                    yield Token.Kind.NEQ;
                }
                yield Token.Kind.ILLEGAL;
            }
            case '<' -> {
                if (peek(0) == '=') {
                    advance();
                    yield Token.Kind.LTE;
                }
                yield Token.Kind.LT;
            }
            case '>' -> {
                if (peek(0) == '=') {
                    advance();
                    yield Token.Kind.GTE;
                }
                yield Token.Kind.GT;
            }
            default -> Token.Kind.ILLEGAL;
        };
        String text = src.substring(pos - (k == Token.Kind.ASSIGN || k == Token.Kind.EQ || k == Token.Kind.NEQ
                || k == Token.Kind.LTE || k == Token.Kind.GTE ? 2 : 1), pos);
        if (k == Token.Kind.ILLEGAL) {
            error(r, c, "illegal token " + text + ": expected a term, operator or keyword");
        }
        return tok(k, text, r, c, nl);
    }

    private Token number(int r, int c, boolean nl) {
        int start = pos;
        while (Character.isDigit(peek(0))) advance();
        if (peek(0) == '.' && Character.isDigit(peek(1))) {
            advance();
            while (Character.isDigit(peek(0))) advance();
        }
        if ((peek(0) == 'e' || peek(0) == 'E')
                && (Character.isDigit(peek(1)) || (peek(1) == '+' || peek(1) == '-') && Character.isDigit(peek(2)))) {
            advance();
            if (peek(0) == '+' || peek(0) == '-') advance();
            while (Character.isDigit(peek(0))) advance();
        }
        String text = src.substring(start, pos);
        if (text.startsWith(".")) {
            error(r, c, "invalid number " + text + ": expected a digit before the decimal point");
        } else if (text.length() > 1 && text.charAt(0) == '0' && Character.isDigit(text.charAt(1))) {
            error(r, c, "invalid number " + text + ": leading zeros are not allowed");
        }
        if (isIdentStart(peek(0))) {
            int s2 = pos;
            while (pos < src.length() && isIdentPart(src.charAt(pos))) advance();
            error(r, c, "invalid number " + text + src.substring(s2, pos) + ": expected a number");
        }
        return tok(Token.Kind.NUMBER, text, r, c, nl);
    }

    /**
     * Reads a double-quoted string body up to the closing quote (already past the opening one).
     * In template strings, an unescaped '{' starts an expression part (collected into parts).
     */
    private String quoted(int r, int c, boolean template, List<Object> parts) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                error(r, c, "non-terminated string: expected a closing \"");
                return sb.toString();
            }
            char ch = src.charAt(pos);
            if (ch == '"') {
                advance();
                return sb.toString();
            }
            if (template && ch == '{') {
                parts.add(sb.toString());
                sb.setLength(0);
                parts.add(templateExpr());
                continue;
            }
            if (ch == '\\') {
                int er = row;
                int ec = col;
                advance();
                char e = peek(0);
                if (pos >= src.length()) continue;
                advance();
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        String hex = pos + 4 <= src.length() ? src.substring(pos, pos + 4) : "";
                        if (hex.length() == 4 && hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                            for (int i = 0; i < 4; i++) advance();
                            sb.append((char) Integer.parseInt(hex, 16));
                        } else {
                            error(er, ec, "invalid escape \\u" + hex + " in string: expected four hex digits");
                        }
                    }
                    case '{' -> {
                        if (template) {
                            sb.append('{');
                        } else {
                            error(er, ec, "illegal escape \\{ in string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
                        }
                    }
                    default -> error(er, ec, "illegal escape \\" + e
                            + " in string: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u");
                }
                continue;
            }
            sb.append(ch);
            advance();
        }
    }

    private void template(int r, int c, boolean raw, List<Object> parts) {
        if (!raw) {
            String tail = quoted(r, c, true, parts);
            parts.add(tail);
            return;
        }
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                error(r, c, "non-terminated template string: expected a closing `");
                parts.add(sb.toString());
                return;
            }
            char ch = src.charAt(pos);
            if (ch == '`') {
                advance();
                parts.add(sb.toString());
                return;
            }
            if (ch == '\\' && peek(1) == '{') {
                advance();
                advance();
                sb.append('{');
                continue;
            }
            if (ch == '{') {
                parts.add(sb.toString());
                sb.setLength(0);
                parts.add(templateExpr());
                continue;
            }
            sb.append(ch);
            advance();
        }
    }

    /** Captures the text of {@code {expr}} up to the matching brace, skipping nested strings and braces. */
    private TemplatePart templateExpr() {
        int r = row;
        int c = col;
        advance(); // '{'
        int start = pos;
        int startRow = row;
        int startCol = col;
        int depth = 0;
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (ch == '{') {
                depth++;
            } else if (ch == '}') {
                if (depth == 0) {
                    String text = src.substring(start, pos);
                    advance();
                    return new TemplatePart(text, startRow, startCol);
                }
                depth--;
            } else if (ch == '"' || ch == '`') {
                skipNestedString(ch);
                continue;
            } else if (ch == '$' && (peek(1) == '"' || peek(1) == '`')) {
                advance();
                skipNestedString(src.charAt(pos));
                continue;
            }
            advance();
        }
        error(r, c, "non-terminated template expression: expected a closing }");
        return new TemplatePart(src.substring(start), startRow, startCol);
    }

    private void skipNestedString(char quote) {
        advance();
        int braces = 0;
        while (pos < src.length()) {
            char ch = src.charAt(pos);
            if (ch == '\\' && quote == '"') {
                advance();
                if (pos < src.length()) advance();
                continue;
            }
            if (ch == '{') braces++;
            if (ch == '}') braces--;
            if (ch == '"' && quote == '"' && braces <= 0 || ch == '`' && quote == '`') {
                advance();
                return;
            }
            if (ch == '"' && quote == '"' && braces > 0) {
                // A string nested inside a nested template expression.
                skipNestedString('"');
                continue;
            }
            advance();
        }
    }

    private void error(int r, int c, String msg) {
        errors.add(new RegoError(RegoError.PARSE, msg, new Location(file, r, c)));
    }
}
