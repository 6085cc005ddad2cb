package dev.airlock.policy.ast;

/**
 * One lexical token. {@code text} is the source text (for strings: the decoded value);
 * {@code nlBefore} says a line break separated it from the previous token, which is how Rego
 * separates body expressions without semicolons.
 */
record Token(Kind kind, String text, int row, int col, boolean nlBefore, Object extra) {
    enum Kind {
        IDENT, NUMBER, STRING, RAW_STRING, TEMPLATE, EOF,
        LBRACE, RBRACE, LBRACK, RBRACK, LPAREN, RPAREN,
        DOT, COMMA, SEMI, COLON, ASSIGN, UNIFY, EQ, NEQ, LT, LTE, GT, GTE,
        PLUS, MINUS, STAR, SLASH, PERCENT, AMP, PIPE, ILLEGAL
    }

    boolean is(Kind k) {
        return kind == k;
    }

    boolean isIdent(String s) {
        return kind == Kind.IDENT && text.equals(s);
    }

    String describe() {
        return switch (kind) {
            case EOF -> "eof";
            case IDENT -> "ident " + text;
            case STRING, RAW_STRING -> "string";
            case TEMPLATE -> "template string";
            case NUMBER -> "number";
            default -> text;
        };
    }
}
