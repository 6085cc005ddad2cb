package dev.airlock.policy.builtins.graphql;

/**
 * Splits GraphQL source into tokens the way gqlparser's lexer does, including its positions
 * (code-point columns; a string token's column is just past its opening quotes) and its error
 * texts. A lexing error becomes an {@link Kind#INVALID} token carrying the message; the parser
 * reports it only if it consumes that token.
 */
final class Lexer {
    enum Kind {
        INVALID("<Invalid>"), EOF("<EOF>"), BANG("!"), DOLLAR("$"), AMP("&"), PAREN_L("("), PAREN_R(")"),
        SPREAD("..."), COLON(":"), EQUALS("="), AT("@"), BRACKET_L("["), BRACKET_R("]"), BRACE_L("{"),
        BRACE_R("}"), PIPE("|"), NAME("Name"), INT("Int"), FLOAT("Float"), STRING("String"),
        BLOCK_STRING("BlockString");

        final String text;

        Kind(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** One token; {@code error} is set only for {@link Kind#INVALID}. */
    record Token(Kind kind, String value, Ast.Position pos, String error) {
        @Override
        public String toString() {
            return value.isEmpty() ? kind.text : kind.text + " " + GoQuote.quote(value);
        }
    }

    private final int[] in;
    private int start;
    private int end;
    private int line = 1;
    private int lineStart;

    Lexer(String source) {
        this.in = source.codePoints().toArray();
    }

    private Token make(Kind kind, String value) {
        return new Token(kind, value, new Ast.Position(line, start - lineStart + 1), null);
    }

    private Token makeError(String message) {
        return new Token(Kind.INVALID, "", new Ast.Position(line, end - lineStart + 1), message);
    }

    private String slice(int from, int to) {
        return new String(in, from, to - from);
    }

    Token next() {
        skipWhitespace();
        start = end;
        if (end >= in.length) return make(Kind.EOF, "");
        int c = in[end++];
        Kind punct = switch (c) {
            case '!' -> Kind.BANG;
            case '$' -> Kind.DOLLAR;
            case '&' -> Kind.AMP;
            case '(' -> Kind.PAREN_L;
            case ')' -> Kind.PAREN_R;
            case ':' -> Kind.COLON;
            case '=' -> Kind.EQUALS;
            case '@' -> Kind.AT;
            case '[' -> Kind.BRACKET_L;
            case ']' -> Kind.BRACKET_R;
            case '{' -> Kind.BRACE_L;
            case '}' -> Kind.BRACE_R;
            case '|' -> Kind.PIPE;
            default -> null;
        };
        if (punct != null) return make(punct, "");
        if (c == '.' && end + 1 < in.length && in[end] == '.' && in[end + 1] == '.') {
            end += 2;
            return make(Kind.SPREAD, "");
        }
        if (c == '#') {
            while (end < in.length && (in[end] > 0x1f || in[end] == '\t')) end++;
            return next();
        }
        if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return readName();
        if (c == '-' || (c >= '0' && c <= '9')) return readNumber();
        if (c == '"') {
            if (end + 1 < in.length && in[end] == '"' && in[end + 1] == '"') return readBlockString();
            return readString();
        }
        end--;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            return makeError(String.format("Cannot contain the invalid character \"\\u%04d\"", c));
        }
        if (c == '\'') {
            return makeError("Unexpected single quote character ('), did you mean to use a double quote (\")?");
        }
        return makeError("Cannot parse the unexpected character \"" + Character.toString(c) + "\".");
    }

    private void skipWhitespace() {
        while (end < in.length) {
            int c = in[end];
            if (c == '\t' || c == ' ' || c == ',' || c == 0xFEFF) {
                end++;
            } else if (c == '\n') {
                end++;
                line++;
                lineStart = end;
            } else if (c == '\r') {
                end++;
                line++;
                lineStart = end;
                if (end < in.length && in[end] == '\n') end++;
            } else {
                return;
            }
        }
    }

    private Token readName() {
        while (end < in.length) {
            int c = in[end];
            if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') end++;
            else break;
        }
        return make(Kind.NAME, slice(start, end));
    }

    private Token readNumber() {
        end--;
        boolean isFloat = false;
        accept('-');
        if (accept('0')) {
            int consumed = digits();
            if (consumed != 0) {
                end -= consumed;
                return makeError("Invalid number, unexpected digit after 0: " + describeNext() + ".");
            }
        } else if (digits() == 0) {
            return makeError("Invalid number, expected digit but got: " + describeNext() + ".");
        }
        if (accept('.')) {
            isFloat = true;
            if (digits() == 0) return makeError("Invalid number, expected digit but got: " + describeNext() + ".");
        }
        if (accept('e') || accept('E')) {
            isFloat = true;
            if (!accept('-')) accept('+');
            if (digits() == 0) return makeError("Invalid number, expected digit but got: " + describeNext() + ".");
        }
        return make(isFloat ? Kind.FLOAT : Kind.INT, slice(start, end));
    }

    private boolean accept(int c) {
        if (end < in.length && in[end] == c) {
            end++;
            return true;
        }
        return false;
    }

    private int digits() {
        int n = 0;
        while (end < in.length && in[end] >= '0' && in[end] <= '9') {
            end++;
            n++;
        }
        return n;
    }

    private String describeNext() {
        return end < in.length ? "\"" + Character.toString(in[end]) + "\"" : "<EOF>";
    }

    private Token readString() {
        start++;
        StringBuilder buf = null;
        while (end < in.length) {
            int c = in[end];
            if (c == '\n' || c == '\r') break;
            if (c < 0x20 && c != '\t') {
                return makeError(String.format("Invalid character within String: \"\\u%04d\".", c));
            }
            if (c == '"') {
                Token t = make(Kind.STRING, buf != null ? buf.toString() : slice(start, end));
                end++;
                return t;
            }
            if (c != '\\') {
                if (buf != null) buf.appendCodePoint(c);
                end++;
                continue;
            }
            if (end + 1 >= in.length) {
                end++;
                return makeError("Invalid character escape sequence.");
            }
            if (buf == null) buf = new StringBuilder(slice(start, end));
            int esc = in[end + 1];
            if (esc == 'u') {
                if (end + 6 >= in.length) {
                    end++;
                    return makeError("Invalid character escape sequence: \\" + slice(end, in.length) + ".");
                }
                int r = unhex(end + 2);
                if (r < 0) {
                    end++;
                    return makeError("Invalid character escape sequence: \\" + slice(end, end + 5) + ".");
                }
                buf.appendCodePoint(r);
                end += 6;
                continue;
            }
            switch (esc) {
                case '"', '/', '\\' -> buf.appendCodePoint(esc);
                case 'b' -> buf.append('\b');
                case 'f' -> buf.append('\f');
                case 'n' -> buf.append('\n');
                case 'r' -> buf.append('\r');
                case 't' -> buf.append('\t');
                default -> {
                    end++;
                    return makeError("Invalid character escape sequence: \\" + Character.toString(esc) + ".");
                }
            }
            end += 2;
        }
        return makeError("Unterminated string.");
    }

    private int unhex(int at) {
        int v = 0;
        for (int i = at; i < at + 4; i++) {
            int d = Character.digit(in[i], 16);
            if (d < 0 || in[i] > 'f') return -1;
            v = v << 4 | d;
        }
        return v;
    }

    private Token readBlockString() {
        start += 3;
        end += 2;
        StringBuilder buf = new StringBuilder();
        while (end < in.length) {
            int c = in[end];
            if (c == '"' && end + 2 < in.length && in[end + 1] == '"' && in[end + 2] == '"') {
                Token t = make(Kind.BLOCK_STRING, blockStringValue(buf.toString()));
                end += 3;
                return t;
            }
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return makeError(String.format("Invalid character within String: \"\\u%04d\".", c));
            }
            if (c == '\\' && end + 3 < in.length && in[end + 1] == '"' && in[end + 2] == '"' && in[end + 3] == '"') {
                buf.append("\"\"\"");
                end += 4;
            } else if (c == '\r') {
                if (end + 1 < in.length && in[end + 1] == '\n') end++;
                buf.append('\n');
                end++;
                line++;
                lineStart = end;
            } else {
                buf.appendCodePoint(c);
                end++;
                if (c == '\n') {
                    line++;
                    lineStart = end;
                }
            }
        }
        return makeError("Unterminated string.");
    }

    /** The spec's BlockStringValue: drops the common indentation and leading/trailing blank lines. */
    static String blockStringValue(String raw) {
        String[] lines = raw.split("\n", -1);
        int common = -1;
        for (int i = 1; i < lines.length; i++) {
            int indent = leadingWhitespace(lines[i]);
            if (indent < lines[i].length() && (common < 0 || indent < common)) common = indent;
        }
        if (common > 0) {
            for (int i = 1; i < lines.length; i++) {
                lines[i] = lines[i].length() < common ? "" : lines[i].substring(common);
            }
        }
        int first = 0;
        int last = lines.length;
        while (first < last && leadingWhitespace(lines[first]) == lines[first].length()) first++;
        while (last > first && leadingWhitespace(lines[last - 1]) == lines[last - 1].length()) last--;
        return String.join("\n", java.util.Arrays.asList(lines).subList(first, last));
    }

    private static int leadingWhitespace(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
        return i;
    }
}
