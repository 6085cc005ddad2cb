package dev.airlock.policy.ast;

import dev.airlock.policy.ast.Token.Kind;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.StringValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for Rego modules and queries, in v1 syntax (the default) or the
 * v0-compatible syntax of OPA before 1.0. Errors are collected as {@code rego_parse_error}s
 * naming file, row and column and what was expected; parsing stops at the first error of a
 * statement and resumes at the next line so one typo yields one error.
 */
public final class Parser {
    /** Deeper nesting of terms is refused: it is never written by hand and would risk the stack. */
    public static final int MAX_NESTING = 200;

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of(
            "as", "contains", "default", "else", "every", "false", "if", "import", "in", "not",
            "null", "package", "some", "true", "with");

    private final String file;
    private final List<RegoError> errors;
    private final Lexer lexer;
    private final List<Token> toks;
    private int p;
    private int depth;
    private int wildcards;
    private final int[] wildcardCounter;
    private boolean v1;

    /** Thrown to abandon the current statement after its error has been recorded. */
    private static final class Bail extends RuntimeException {
        Bail() {
            super(null, null, false, false);
        }
    }

    private Parser(String file, String src, boolean v1, List<RegoError> errors, int row, int col, int[] counter) {
        this.file = file;
        this.errors = errors;
        this.v1 = v1;
        this.lexer = new Lexer(src, file, errors, row, col);
        this.toks = lexer.tokenize();
        this.wildcardCounter = counter;
    }

    /** The result of parsing: a module (or query) when there were no errors, and the errors. */
    public record Result<T>(T value, List<RegoError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Parses one module. {@code v0} selects OPA's pre-1.0 syntax unless the module imports rego.v1. */
    public static Result<Module> parseModule(String file, String src, boolean v0) {
        List<RegoError> errors = new ArrayList<>();
        Parser ps = new Parser(file, src, !v0, errors, 1, 1, new int[1]);
        Module m = null;
        int before = errors.size();
        if (before == 0) {
            try {
                m = ps.module();
            } catch (Bail e) {
                // recorded
            } catch (StackOverflowError e) {
                errors.add(new RegoError(RegoError.PARSE, "policy is nested too deeply to parse", new Location(file, 1, 1)));
            }
        }
        return new Result<>(errors.isEmpty() ? m : null, List.copyOf(dedupe(errors)));
    }

    public static Result<Module> parseModule(String file, String src) {
        return parseModule(file, src, false);
    }

    /** Parses a query: expressions separated by newlines or semicolons. */
    public static Result<List<Expr>> parseQuery(String src, boolean v0) {
        List<RegoError> errors = new ArrayList<>();
        Parser ps = new Parser("", src, !v0, errors, 1, 1, new int[1]);
        List<Expr> body = null;
        if (errors.isEmpty()) {
            try {
                if (ps.at(Kind.EOF)) {
                    ps.error(ps.cur(), "empty query: expected an expression");
                } else {
                    body = ps.body(Kind.EOF);
                    ps.expect(Kind.EOF, "end of query");
                }
            } catch (Bail e) {
                // recorded
            } catch (StackOverflowError e) {
                errors.add(new RegoError(RegoError.PARSE, "query is nested too deeply to parse", new Location("", 1, 1)));
            }
        }
        return new Result<>(errors.isEmpty() ? body : null, List.copyOf(dedupe(errors)));
    }

    public static Result<List<Expr>> parseQuery(String src) {
        return parseQuery(src, false);
    }

    /** Parses a single term (used for {@code input_term} and rule values given as text). */
    public static Result<Term> parseTerm(String src) {
        List<RegoError> errors = new ArrayList<>();
        Parser ps = new Parser("", src, true, errors, 1, 1, new int[1]);
        Term t = null;
        if (errors.isEmpty()) {
            try {
                t = ps.expr(true);
                ps.expect(Kind.EOF, "end of term");
            } catch (Bail e) {
                // recorded
            }
        }
        return new Result<>(errors.isEmpty() ? t : null, List.copyOf(dedupe(errors)));
    }

    private static List<RegoError> dedupe(List<RegoError> errors) {
        return errors.stream().distinct().toList();
    }

    // ---- token helpers ----

    private Token cur() {
        return toks.get(p);
    }

    private Token peekTok(int n) {
        return toks.get(Math.min(p + n, toks.size() - 1));
    }

    private boolean at(Kind k) {
        return cur().kind() == k;
    }

    private boolean atKeyword(String kw) {
        return cur().isIdent(kw);
    }

    private Token advance() {
        Token t = cur();
        if (p < toks.size() - 1) p++;
        return t;
    }

    private Location loc(Token t) {
        return new Location(file, t.row(), t.col());
    }

    private Token expect(Kind k, String what) {
        if (!at(k)) {
            error(cur(), "unexpected " + cur().describe() + " token: expected " + what);
        }
        return advance();
    }

    private RuntimeException error(Token t, String msg) {
        errors.add(new RegoError(RegoError.PARSE, msg, loc(t)));
        throw new Bail();
    }

    // ---- modules ----

    private Module module() {
        Token pkgTok = cur();
        if (!atKeyword("package")) {
            error(cur(), "unexpected " + cur().describe() + " token: expected package declaration");
        }
        advance();
        Term.Ref pkg = packageRef(pkgTok);
        List<Import> imports = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        AnnotationParser annotations = new AnnotationParser(file, lexer.comments(), errors);
        List<Annotation> moduleAnnotations = new ArrayList<>(annotations.before(pkgTok.row(), true));
        while (atKeyword("import") && !keywordIsRefHead()) {
            Token t = advance();
            imports.add(importDecl(t));
        }
        while (!at(Kind.EOF)) {
            if (!cur().nlBefore() && !rules.isEmpty()) {
                error(cur(), "unexpected " + cur().describe() + " token: expected a new line before the next rule");
            }
            Token start = cur();
            List<Annotation> attached = annotations.before(start.row(), false);
            List<Annotation> ruleAnns = new ArrayList<>();
            for (Annotation a : attached) {
                if (a.scope().equals("package") || a.scope().equals("subpackages")) moduleAnnotations.add(a);
                else ruleAnns.add(a);
            }
            if (atKeyword("import") && !keywordIsRefHead()) {
                error(cur(), "unexpected import: imports must come before rules");
            }
            rules.addAll(rule(ruleAnns));
        }
        return new Module(file, pkg, imports, rules, moduleAnnotations, v1);
    }

    private Term.Ref packageRef(Token pkgTok) {
        Term t = term();
        List<Term> path = new ArrayList<>();
        path.add(new Term.Var("data", loc(pkgTok)));
        if (t instanceof Term.Var v) {
            path.add(new Term.Scalar(StringValue.of(v.name()), v.location()));
        } else if (t instanceof Term.Ref r && r.head() instanceof Term.Var v) {
            path.add(new Term.Scalar(StringValue.of(v.name()), v.location()));
            for (int i = 1; i < r.path().size(); i++) {
                Term e = r.path().get(i);
                if (!(e instanceof Term.Scalar s && s.value() instanceof StringValue)) {
                    error(pkgTok, "invalid package name " + r + ": expected dots and string keys only");
                }
                path.add(e);
            }
        } else {
            error(pkgTok, "unexpected package name " + t + ": expected a reference such as a.b.c");
        }
        return new Term.Ref(path, loc(pkgTok));
    }

    private Import importDecl(Token t) {
        Term target = term();
        if (!(target instanceof Term.Ref) && !(target instanceof Term.Var)) {
            error(t, "invalid import " + target + ": expected a path beginning with data, input, future or rego");
        }
        Term.Ref ref = target instanceof Term.Ref r ? r : new Term.Ref(List.of(target), target.location());
        String head = ref.headName();
        if (head == null || !List.of("data", "input", "future", "rego").contains(head)) {
            error(t, "unexpected import path, must begin with one of: {data, future, input, rego}, got: " + ref.head());
        }
        String alias = null;
        if (atKeyword("as")) {
            advance();
            Token a = expect(Kind.IDENT, "an alias name after as");
            alias = a.text();
        }
        String s = ref.toString();
        if (s.equals("rego.v1")) {
            v1 = true;
        } else if (head.equals("rego")) {
            error(t, "invalid import " + s + ": the only rego import is rego.v1");
        } else if (head.equals("future")) {
            if (!s.equals("future.keywords") && !s.startsWith("future.keywords.")) {
                error(t, "invalid import " + s + ": expected future.keywords or future.keywords.<keyword>");
            }
        }
        return new Import(ref, alias, loc(t));
    }

    // ---- rules ----

    private List<Rule> rule(List<Annotation> annotations) {
        Token start = cur();
        boolean isDefault = false;
        if (atKeyword("default") && !keywordIsRefHead()) {
            advance();
            isDefault = true;
        }
        Head head = head(isDefault);
        List<Rule> out = new ArrayList<>();
        if (isDefault) {
            if (head.value() == null || head.isMultiValue()) {
                error(start, "default rule " + head.ref() + " must have a value: expected default " + head.ref() + " := <value>");
            }
            if (atKeyword("if") && !keywordIsRefHead() || at(Kind.LBRACE) && !cur().nlBefore()) {
                error(cur(), "default rules must not have a body");
            }
            out.add(new Rule(true, head, List.of(trueExpr(head.location())), null, annotations, loc(start)));
            return out;
        }
        List<Expr> body = ruleBody(head, true);
        Rule r = new Rule(false, head, body, null, annotations, loc(start));
        // else chains
        List<Rule> elses = new ArrayList<>();
        while (atKeyword("else") && !keywordIsRefHead()) {
            Token et = advance();
            if (head.isMultiValue() || !groundRef(head.ref())) {
                error(et, "else keyword cannot be used on multi-value or partial rules");
            }
            Term value;
            boolean assign = false;
            if (at(Kind.ASSIGN) || at(Kind.UNIFY)) {
                assign = advance().is(Kind.ASSIGN);
                value = expr(true);
            } else {
                value = new Term.Scalar(BoolValue.TRUE, loc(et));
            }
            Head eh = new Head(head.ref(), head.args(), null, value, assign, loc(et));
            List<Expr> eb = ruleBody(eh, false);
            elses.add(new Rule(false, eh, eb, null, List.of(), loc(et)));
        }
        for (int i = elses.size() - 1; i >= 0; i--) {
            Rule e = elses.get(i);
            if (i + 1 < elses.size()) e = e.withElse(elses.get(i + 1));
            elses.set(i, e);
        }
        if (!elses.isEmpty()) r = r.withElse(elses.getFirst());
        out.add(r);
        // v0 allows further bodies after the first: p { a } { b } defines p twice.
        while (!v1 && at(Kind.LBRACE) && !cur().nlBefore()) {
            Token bt = advance();
            List<Expr> more = body(Kind.RBRACE);
            expect(Kind.RBRACE, "} to close the rule body");
            out.add(new Rule(false, head, more, null, List.of(), loc(bt)));
        }
        return out;
    }

    /** True when every part of a rule head reference after its name is a scalar (no variables). */
    private static boolean groundRef(Term.Ref ref) {
        for (int i = 1; i < ref.path().size(); i++) {
            if (!(ref.path().get(i) instanceof Term.Scalar)) return false;
        }
        return true;
    }

    private static Expr trueExpr(Location l) {
        return new Expr(new Expr.TermExpr(new Term.Scalar(BoolValue.TRUE, l)), l);
    }

    /** Parses an optional rule body: {@code if { ... }}, {@code if expr}, or (v0) {@code { ... }}. */
    private List<Expr> ruleBody(Head head, boolean first) {
        if (atKeyword("if") && !keywordIsRefHead()) {
            Token ifTok = advance();
            if (at(Kind.LBRACE)) {
                // `if {` usually opens a braced body, but may start a set/object (comprehension)
                // used as a one-expression body: try the body first, then the term.
                int save = p;
                int errs = errors.size();
                int wild = wildcardCounter[0];
                int savedDepth = depth;
                try {
                    advance();
                    if (at(Kind.RBRACE)) {
                        error(cur(), "found empty body: expected at least one expression after if {");
                    }
                    List<Expr> b = body(Kind.RBRACE);
                    expect(Kind.RBRACE, "} to close the rule body");
                    return b;
                } catch (Bail e) {
                    List<RegoError> bodyErrors = new ArrayList<>(errors.subList(errs, errors.size()));
                    while (errors.size() > errs) errors.removeLast();
                    int bodyEnd = p;
                    p = save;
                    wildcardCounter[0] = wild;
                    depth = savedDepth;
                    try {
                        Expr e1 = literal();
                        if (at(Kind.EOF) || cur().nlBefore()) return List.of(e1);
                    } catch (Bail e2) {
                        // fall through: report the body's error
                    }
                    while (errors.size() > errs) errors.removeLast();
                    errors.addAll(bodyErrors);
                    p = bodyEnd;
                    throw e;
                }
            }
            if (at(Kind.EOF) || cur().nlBefore() && false) {
                error(ifTok, "missing rule body after if: expected { or an expression");
            }
            Expr e = literal();
            return List.of(e);
        }
        if (at(Kind.LBRACE) && !cur().nlBefore()) {
            Token lb = cur();
            if (v1) {
                error(lb, "`if` keyword is required before rule body");
            }
            advance();
            if (at(Kind.RBRACE)) {
                error(cur(), "found empty body: expected at least one expression");
            }
            List<Expr> b = body(Kind.RBRACE);
            expect(Kind.RBRACE, "} to close the rule body");
            return b;
        }
        if (first && !headHadValue) {
            // `p` alone on a line is not a rule.
            errors.add(new RegoError(RegoError.PARSE, "rule " + head.ref()
                    + " must have a value, a body or contains: expected " + head.ref() + " := <value>, "
                    + head.ref() + " if { ... } or " + head.ref() + " contains <x>", head.location()));
            throw new Bail();
        }
        return List.of(trueExpr(head.location()));
    }

    private boolean headHadValue;

    private Head head(boolean isDefault) {
        Token start = cur();
        if (!at(Kind.IDENT)) {
            error(cur(), "unexpected " + cur().describe() + " token: expected rule head (a name such as p, f(x) or p.q[r])");
        }
        if (KEYWORDS.contains(cur().text()) && v1 && !keywordIsRefHead()) {
            error(cur(), "unexpected " + cur().text() + " keyword: expected rule head");
        }
        Token nameTok = advance();
        Term.Var name = new Term.Var(nameTok.text(), loc(nameTok));
        List<Term> path = new ArrayList<>();
        path.add(name);
        // head ref suffix: .x or [term], no newline between
        while ((at(Kind.DOT) || at(Kind.LBRACK)) && !cur().nlBefore()) {
            if (advance().is(Kind.DOT)) {
                Token id = expect(Kind.IDENT, "ident after .");
                path.add(new Term.Scalar(StringValue.of(id.text()), loc(id)));
            } else {
                enter();
                Term t = expr(true);
                leave();
                expect(Kind.RBRACK, "] to close the rule head reference");
                path.add(t);
            }
        }
        Term.Ref ref = new Term.Ref(path, loc(nameTok));
        List<Term> args = null;
        if (at(Kind.LPAREN) && !cur().nlBefore()) {
            advance();
            args = new ArrayList<>();
            if (!at(Kind.RPAREN)) {
                do {
                    args.add(expr(true));
                } while (at(Kind.COMMA) && advance() != null && !at(Kind.RPAREN));
            }
            expect(Kind.RPAREN, ") to close the function arguments");
        }
        Term key = null;
        Term value = null;
        boolean assign = false;
        headHadValue = false;
        if (atKeyword("contains") && !cur().nlBefore()) {
            advance();
            key = expr(true);
            headHadValue = true;
        } else if ((at(Kind.ASSIGN) || at(Kind.UNIFY)) && !cur().nlBefore()) {
            assign = advance().is(Kind.ASSIGN);
            value = expr(true);
            headHadValue = true;
        } else if (!v1 && path.size() == 2 && args == null && !isDefault) {
            // v0: p[x] { ... } is a partial set rule.
            key = path.get(1);
            ref = new Term.Ref(List.of(name), ref.location());
            headHadValue = true;
        }
        if (value == null && key == null) {
            value = new Term.Scalar(BoolValue.TRUE, loc(start));
            if (args != null || path.size() > 1) headHadValue = true;
        }
        return new Head(ref, args, key, value, assign, loc(nameTok));
    }

    // ---- bodies and expressions ----

    /** Expressions up to (not including) the closing token, separated by ';' or new lines. */
    private List<Expr> body(Kind close) {
        List<Expr> out = new ArrayList<>();
        while (true) {
            out.add(literal());
            if (at(Kind.SEMI)) {
                advance();
                continue;
            }
            if (at(close)) return out;
            if (cur().nlBefore() && !at(Kind.EOF)) continue;
            String closing = close == Kind.EOF ? "end of query" : close == Kind.RBRACE ? "}" : "]";
            error(cur(), "unexpected " + cur().describe() + " token: expected \\n or ; or " + closing);
        }
    }

    private Expr literal() {
        Token start = cur();
        Expr e;
        if (atKeyword("some") && someAllowed()) {
            advance();
            e = some(start);
        } else if (atKeyword("every") && someAllowed()) {
            advance();
            e = every(start);
        } else {
            boolean negated = false;
            if (atKeyword("not") && !isRefContinuation(1) && !keywordIsRefHead()) {
                advance();
                negated = true;
            }
            Term t = expr(false);
            e = new Expr(new Expr.TermExpr(t), negated, List.of(), loc(start));
        }
        List<Expr.With> withs = new ArrayList<>();
        while (atKeyword("with") && !isRefContinuation(1)) {
            Token wt = advance();
            Term target = term();
            if (!(target instanceof Term.Ref) && !(target instanceof Term.Var)) {
                error(wt, "invalid with target " + target + ": expected a reference to input, data or a function");
            }
            Term.Ref ref = target instanceof Term.Ref r ? r : new Term.Ref(List.of(target), target.location());
            if (!atKeyword("as")) error(cur(), "unexpected " + cur().describe() + " token: expected as");
            advance();
            Term value = expr(true);
            withs.add(new Expr.With(ref, value, loc(wt)));
        }
        return withs.isEmpty() ? e : e.withWiths(withs);
    }

    private boolean someAllowed() {
        Token n = peekTok(1);
        return !(n.is(Kind.DOT) && !n.nlBefore()) && !(n.is(Kind.LBRACK) && !n.nlBefore())
                && !n.is(Kind.UNIFY) && !n.is(Kind.ASSIGN);
    }

    /** True when the token after a keyword-looking identifier continues a reference (e.g. {@code not.x}). */
    private boolean isRefContinuation(int ahead) {
        Token n = peekTok(ahead);
        return n.is(Kind.DOT) && !n.nlBefore() || n.is(Kind.UNIFY) || n.is(Kind.ASSIGN);
    }

    private Expr some(Token start) {
        // Either `some a, b, c` (declaration) or `some [k,] v in xs`.
        List<Term> terms = new ArrayList<>();
        terms.add(orTerm(false));
        while (at(Kind.COMMA)) {
            advance();
            terms.add(orTerm(false));
        }
        if (atKeyword("in")) {
            advance();
            if (terms.size() > 2) {
                error(start, "unexpected some declaration: expected at most two terms (key and value) before in");
            }
            Term coll = orTerm(true);
            Term key = terms.size() == 2 ? terms.get(0) : null;
            Term value = terms.getLast();
            return new Expr(new Expr.SomeIn(key, value, coll), loc(start));
        }
        // `some x in xs` may have been parsed as a membership call of the last term.
        if (terms.size() <= 2 && terms.getLast() instanceof Term.Call c
                && (c.name().equals("internal.member_2") || c.name().equals("internal.member_3"))) {
            if (terms.size() == 1) {
                List<Term> a = c.args();
                return a.size() == 2 ? new Expr(new Expr.SomeIn(null, a.get(0), a.get(1)), loc(start))
                        : new Expr(new Expr.SomeIn(a.get(0), a.get(1), a.get(2)), loc(start));
            }
            return new Expr(new Expr.SomeIn(terms.get(0), c.args().get(0), c.args().get(1)), loc(start));
        }
        List<Term.Var> vars = new ArrayList<>();
        for (Term t : terms) {
            if (t instanceof Term.Var v) {
                vars.add(v);
            } else {
                error(start, "unexpected " + t + " in some declaration: expected variables (some x, y) or some x in xs");
            }
        }
        return new Expr(new Expr.SomeDecl(vars), loc(start));
    }

    private Expr every(Token start) {
        Term first = orTerm(false);
        Term key = null;
        Term value = first;
        if (at(Kind.COMMA)) {
            advance();
            key = first;
            value = orTerm(false);
        }
        if (value instanceof Term.Call c && c.name().equals("internal.member_2")) {
            value = c.args().get(0);
            return everyRest(start, key, value, c.args().get(1));
        }
        if (!atKeyword("in")) error(cur(), "unexpected " + cur().describe() + " token: expected in after every variables");
        advance();
        Term domain = orTerm(true);
        return everyRest(start, key, value, domain);
    }

    private Expr everyRest(Token start, Term key, Term value, Term domain) {
        if (key != null && !(key instanceof Term.Var) || !(value instanceof Term.Var)) {
            error(start, "unexpected term in every: expected variables, as in every k, v in xs { ... }");
        }
        expect(Kind.LBRACE, "{ to start the every body");
        List<Expr> b = body(Kind.RBRACE);
        expect(Kind.RBRACE, "} to close the every body");
        return new Expr(new Expr.Every(key, value, domain, b), loc(start));
    }

    private void enter() {
        if (++depth > MAX_NESTING) {
            error(cur(), "nesting too deep: more than " + MAX_NESTING + " levels of brackets, braces or parentheses");
        }
    }

    private void leave() {
        depth--;
    }

    /**
     * An expression term: handles {@code :=}/{@code =} at the top (as calls {@code assign}/{@code eq})
     * and all infix operators below them. {@code inner} marks positions such as arguments where
     * assignment is not allowed.
     */
    Term expr(boolean inner) {
        Term lhs = inTerm(!inner, true);
        if (!inner && (at(Kind.ASSIGN) || at(Kind.UNIFY)) && !cur().nlBefore()) {
            Token op = advance();
            Term rhs = inTerm(false, true);
            String name = op.is(Kind.ASSIGN) ? "assign" : "eq";
            return call(name, List.of(lhs, rhs), lhs.location());
        }
        return lhs;
    }

    private Term call(String name, List<Term> args, Location l) {
        List<Term> path = new ArrayList<>();
        String[] parts = name.split("\\.");
        path.add(new Term.Var(parts[0], l));
        for (int i = 1; i < parts.length; i++) path.add(new Term.Scalar(StringValue.of(parts[i]), l));
        return new Term.Call(new Term.Ref(path, l), args, l);
    }

    /** {@code x in xs} and (at the top of an expression) {@code k, v in xs}. */
    private Term inTerm(boolean allowKeyValue, boolean allowUnion) {
        Term lhs = relation(allowUnion);
        while (true) {
            if (atKeyword("in") && !cur().nlBefore()) {
                advance();
                Term rhs = relation(allowUnion);
                lhs = call("internal.member_2", List.of(lhs, rhs), lhs.location());
                continue;
            }
            if (allowKeyValue && at(Kind.COMMA)) {
                // k, v in xs: only when an `in` follows the second term.
                int save = p;
                int errs = errors.size();
                try {
                    advance();
                    Term v = relation(allowUnion);
                    if (atKeyword("in")) {
                        advance();
                        Term coll = relation(allowUnion);
                        lhs = call("internal.member_3", List.of(lhs, v, coll), lhs.location());
                        allowKeyValue = false;
                        continue;
                    }
                } catch (Bail e) {
                    while (errors.size() > errs) errors.removeLast();
                }
                p = save;
            }
            return lhs;
        }
    }

    private Term relation(boolean allowUnion) {
        Term lhs = orTerm(allowUnion);
        while (!cur().nlBefore()) {
            String op = switch (cur().kind()) {
                case EQ -> "equal";
                case NEQ -> "neq";
                case LT -> "lt";
                case LTE -> "lte";
                case GT -> "gt";
                case GTE -> "gte";
                default -> null;
            };
            if (op == null) break;
            advance();
            Term rhs = orTerm(allowUnion);
            lhs = call(op, List.of(lhs, rhs), lhs.location());
        }
        return lhs;
    }

    private Term orTerm(boolean allowUnion) {
        Term lhs = andTerm();
        while (allowUnion && at(Kind.PIPE) && !cur().nlBefore()) {
            advance();
            Term rhs = andTerm();
            lhs = call("or", List.of(lhs, rhs), lhs.location());
        }
        return lhs;
    }

    private Term andTerm() {
        Term lhs = arith();
        while (at(Kind.AMP) && !cur().nlBefore()) {
            advance();
            Term rhs = arith();
            lhs = call("and", List.of(lhs, rhs), lhs.location());
        }
        return lhs;
    }

    private Term arith() {
        Term lhs = factor();
        while ((at(Kind.PLUS) || at(Kind.MINUS)) && !cur().nlBefore()) {
            String op = advance().is(Kind.PLUS) ? "plus" : "minus";
            Term rhs = factor();
            lhs = call(op, List.of(lhs, rhs), lhs.location());
        }
        return lhs;
    }

    private Term factor() {
        Term lhs = term();
        while ((at(Kind.STAR) || at(Kind.SLASH) || at(Kind.PERCENT)) && !cur().nlBefore()) {
            Kind k = advance().kind();
            String op = k == Kind.STAR ? "mul" : k == Kind.SLASH ? "div" : "rem";
            Term rhs = term();
            lhs = call(op, List.of(lhs, rhs), lhs.location());
        }
        return lhs;
    }

    /** A primary term with any reference/call suffixes. */
    Term term() {
        Token t = cur();
        Term base = primary();
        return suffixes(base, t);
    }

    private Term suffixes(Term base, Token start) {
        List<Term> path = null;
        while (true) {
            if (at(Kind.DOT) && !cur().nlBefore()) {
                Token dot = advance();
                if (!at(Kind.IDENT) || cur().nlBefore()) {
                    error(cur(), "unexpected " + cur().describe() + " token: expected ident after .");
                }
                Token id = advance();
                if (path == null) path = startPath(base);
                path.add(new Term.Scalar(StringValue.of(id.text()), loc(dot)));
            } else if (at(Kind.LBRACK) && !cur().nlBefore()) {
                advance();
                enter();
                Term idx = expr(true);
                leave();
                expect(Kind.RBRACK, "] to close the reference");
                if (path == null) path = startPath(base);
                path.add(idx);
            } else if (at(Kind.LPAREN) && !cur().nlBefore() && callable(base, path)) {
                Term.Ref op = path == null
                        ? (base instanceof Term.Ref r ? r : new Term.Ref(List.of(base), base.location()))
                        : new Term.Ref(path, base.location());
                advance();
                enter();
                List<Term> args = new ArrayList<>();
                if (!at(Kind.RPAREN)) {
                    do {
                        args.add(expr(true));
                    } while (at(Kind.COMMA) && advance() != null && !at(Kind.RPAREN));
                }
                leave();
                expect(Kind.RPAREN, ") to close the call");
                base = new Term.Call(op, args, loc(start));
                path = null;
            } else {
                break;
            }
        }
        if (path == null) return base;
        return new Term.Ref(path, base.location());
    }

    private static boolean callable(Term base, List<Term> path) {
        if (path == null) return base instanceof Term.Var;
        if (!(path.getFirst() instanceof Term.Var)) return false;
        for (int i = 1; i < path.size(); i++) {
            if (!(path.get(i) instanceof Term.Scalar s && s.value() instanceof StringValue)) return false;
        }
        return true;
    }

    private static List<Term> startPath(Term base) {
        List<Term> path = new ArrayList<>();
        if (base instanceof Term.Ref r) path.addAll(r.path());
        else path.add(base);
        return path;
    }

    private Term primary() {
        Token t = cur();
        Location l = loc(t);
        switch (t.kind()) {
            case NUMBER -> {
                advance();
                return number(t.text(), false, t);
            }
            case MINUS -> {
                Token n = peekTok(1);
                if (n.is(Kind.NUMBER) && !n.nlBefore() && n.col() == t.col() + 1 && n.row() == t.row()) {
                    advance();
                    advance();
                    return number(n.text(), true, t);
                }
                // Unary minus on a non-literal: OPA rewrites -x as minus(0, x).
                advance();
                Term operand = term();
                return call("minus", List.of(new Term.Scalar(NumberValue.ZERO, l), operand), l);
            }
            case STRING, RAW_STRING -> {
                advance();
                return new Term.Scalar(StringValue.of(t.text()), l);
            }
            case TEMPLATE -> {
                advance();
                return template(t);
            }
            case LBRACK -> {
                advance();
                enter();
                Term r = array(l);
                leave();
                return r;
            }
            case LBRACE -> {
                advance();
                enter();
                Term r = braces(l);
                leave();
                return r;
            }
            case LPAREN -> {
                advance();
                enter();
                // Parentheses may group a key-value membership: (k, v in xs).
                Term inner = inTerm(true, true);
                leave();
                expect(Kind.RPAREN, ") to close the parenthesized expression");
                return inner;
            }
            case IDENT -> {
                advance();
                String s = t.text();
                if (attachedRefSuffix()) {
                    // Keywords may name the head of a reference: `as.foo`, `true.bar`, `data.if`.
                    return new Term.Var(s, l);
                }
                switch (s) {
                    case "true" -> {
                        return new Term.Scalar(BoolValue.TRUE, l);
                    }
                    case "false" -> {
                        return new Term.Scalar(BoolValue.FALSE, l);
                    }
                    case "null" -> {
                        return new Term.Scalar(NullValue.NULL, l);
                    }
                    case "_" -> {
                        return new Term.Var("$" + wildcardCounter[0]++, l);
                    }
                    case "set" -> {
                        if (at(Kind.LPAREN) && peekTok(1).is(Kind.RPAREN)) {
                            advance();
                            advance();
                            return new Term.SetTerm(List.of(), l);
                        }
                        return new Term.Var(s, l);
                    }
                    default -> {
                        // `contains` is also a builtin: a call `contains(s, x)` is a term, as in OPA.
                        if (v1 && RESERVED_V1.contains(s) && !(s.equals("contains") && attachedCall())) {
                            error(t, "unexpected " + s + " keyword: expected a term");
                        }
                        return new Term.Var(s, l);
                    }
                }
            }
            default -> {
                error(t, "unexpected " + t.describe() + " token: expected a term");
                return null;
            }
        }
    }

    /** True when the current token is '.' or '[' written directly after the previous token. */
    private boolean attachedRefSuffix() {
        Token n = cur();
        Token prev = toks.get(Math.max(p - 1, 0));
        return (n.is(Kind.DOT) || n.is(Kind.LBRACK)) && !n.nlBefore() && n.row() == prev.row()
                && n.col() == prev.col() + prev.text().length();
    }

    /** True when the current token is '(' written directly after the previous token (a call such as contains(...)). */
    private boolean attachedCall() {
        Token n = cur();
        Token prev = toks.get(Math.max(p - 1, 0));
        return n.is(Kind.LPAREN) && n.row() == prev.row() && n.col() == prev.col() + prev.text().length();
    }

    /** True when the token after the current one is '.' or '[' attached to it (a keyword used as a ref head). */
    private boolean keywordIsRefHead() {
        Token t = cur();
        Token n = peekTok(1);
        return (n.is(Kind.DOT) || n.is(Kind.LBRACK)) && !n.nlBefore() && n.row() == t.row()
                && n.col() == t.col() + t.text().length();
    }

    private static final java.util.Set<String> RESERVED_V1 = java.util.Set.of(
            "as", "contains", "default", "else", "every", "if", "import", "in", "not", "package", "some", "with");

    private Term number(String text, boolean neg, Token t) {
        try {
            java.math.BigDecimal d = new java.math.BigDecimal(text);
            return new Term.Scalar(new NumberValue(neg ? d.negate() : d), loc(t));
        } catch (NumberFormatException | ArithmeticException e) {
            error(t, "invalid number " + text);
            return null;
        }
    }

    private Term array(Location l) {
        if (at(Kind.RBRACK)) {
            advance();
            return new Term.ArrayTerm(List.of(), l);
        }
        Term first = inTerm(false, false);
        if (at(Kind.PIPE)) {
            advance();
            List<Expr> b = body(Kind.RBRACK);
            expect(Kind.RBRACK, "] to close the array comprehension");
            return new Term.ArrayCompr(first, b, l);
        }
        List<Term> items = new ArrayList<>();
        items.add(first);
        while (at(Kind.COMMA)) {
            advance();
            if (at(Kind.RBRACK)) break;
            items.add(inTerm(false, true));
        }
        expect(Kind.RBRACK, "] or , in the array");
        return new Term.ArrayTerm(items, l);
    }

    private Term braces(Location l) {
        if (at(Kind.RBRACE)) {
            advance();
            return new Term.ObjectTerm(List.of(), List.of(), l);
        }
        Term first = inTerm(false, false);
        if (at(Kind.PIPE)) {
            advance();
            List<Expr> b = body(Kind.RBRACE);
            expect(Kind.RBRACE, "} to close the set comprehension");
            return new Term.SetCompr(first, b, l);
        }
        if (at(Kind.COLON)) {
            advance();
            Term v = inTerm(false, false);
            if (at(Kind.PIPE)) {
                advance();
                List<Expr> b = body(Kind.RBRACE);
                expect(Kind.RBRACE, "} to close the object comprehension");
                return new Term.ObjectCompr(first, v, b, l);
            }
            List<Term> keys = new ArrayList<>();
            List<Term> vals = new ArrayList<>();
            keys.add(first);
            vals.add(v);
            while (at(Kind.COMMA)) {
                advance();
                if (at(Kind.RBRACE)) break;
                keys.add(inTerm(false, true));
                expect(Kind.COLON, ": between object key and value");
                vals.add(inTerm(false, true));
            }
            expect(Kind.RBRACE, "} or , in the object");
            return new Term.ObjectTerm(keys, vals, l);
        }
        List<Term> items = new ArrayList<>();
        items.add(first);
        while (at(Kind.COMMA)) {
            advance();
            if (at(Kind.RBRACE)) break;
            items.add(inTerm(false, true));
        }
        expect(Kind.RBRACE, "} or , in the set");
        return new Term.SetTerm(items, l);
    }

    @SuppressWarnings("unchecked")
    private Term template(Token t) {
        List<Object> parts = new ArrayList<>();
        for (Object o : (List<Object>) t.extra()) {
            if (o instanceof String s) {
                if (!s.isEmpty()) parts.add(s);
            } else {
                Lexer.TemplatePart tp = (Lexer.TemplatePart) o;
                Parser sub = new Parser(file, tp.source(), true, errors, tp.row(), tp.col(), wildcardCounter);
                sub.depth = depth + 1;
                if (sub.depth > MAX_NESTING) error(t, "template strings nested too deeply");
                if (sub.at(Kind.EOF)) {
                    error(t, "empty template expression: expected an expression between { and }");
                }
                Expr e = sub.literal();
                if (!sub.at(Kind.EOF)) {
                    sub.error(sub.cur(), "unexpected " + sub.cur().describe() + " token: expected } to close the template expression");
                }
                parts.add(e);
            }
        }
        return new Term.TemplateString(parts, t.text().equals("`"), loc(t));
    }
}
