package dev.airlock.policy.builtins;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of Go's text/template that {@code strings.render_template} policies use: field
 * and variable references, {@code range}, {@code if}/{@code else if}/{@code else}, {@code with},
 * trim markers, comments, and the functions eq, ne, lt, le, gt, ge, and, or, not, len, index,
 * print and printf. A missing key renders as {@code <undefined>}, as in OPA.
 */
final class GoTemplate {
    /** Output limit, so a template cannot grow memory without bound. */
    static final int MAX_OUTPUT = 1 << 20;

    private GoTemplate() {}

    private sealed interface Node {}

    private record Text(String text) implements Node {}

    private record Action(String pipeline) implements Node {}

    private record Block(String kind, String pipeline, List<Node> body, List<Node> orElse) implements Node {}

    static String render(String template, ObjectValue vars) throws BuiltinException {
        List<String> tokens = tokenize(template);
        int[] pos = {0};
        List<Node> nodes = parse(tokens, pos, null);
        if (pos[0] < tokens.size()) throw BuiltinException.error("template: unexpected " + tokens.get(pos[0]));
        StringBuilder out = new StringBuilder();
        Map<String, Value> scope = new HashMap<>();
        scope.put("$", vars);
        exec(nodes, vars, scope, out);
        return out.toString();
    }

    /** Splits into text and "{{...}}" tokens, applying trim markers. */
    private static List<String> tokenize(String t) throws BuiltinException {
        List<String> out = new ArrayList<>();
        int i = 0;
        boolean trimNext = false;
        while (i < t.length()) {
            int open = t.indexOf("{{", i);
            String text = open < 0 ? t.substring(i) : t.substring(i, open);
            if (trimNext) text = text.stripLeading();
            if (open < 0) {
                out.add(text);
                break;
            }
            int close = t.indexOf("}}", open + 2);
            if (close < 0) throw BuiltinException.error("template: unclosed action");
            String action = t.substring(open + 2, close);
            if (action.startsWith("- ")) {
                text = text.stripTrailing();
                action = action.substring(2);
            }
            trimNext = false;
            if (action.endsWith(" -")) {
                trimNext = true;
                action = action.substring(0, action.length() - 2);
            }
            out.add(text);
            out.add("{{" + action.strip() + "}}");
            i = close + 2;
        }
        return out;
    }

    private static List<Node> parse(List<String> tokens, int[] pos, List<String> stopAt) throws BuiltinException {
        List<Node> nodes = new ArrayList<>();
        while (pos[0] < tokens.size()) {
            String tok = tokens.get(pos[0]);
            if (!tok.startsWith("{{")) {
                if (!tok.isEmpty()) nodes.add(new Text(tok));
                pos[0]++;
                continue;
            }
            String action = tok.substring(2, tok.length() - 2).strip();
            String word = action.split("\\s+", 2)[0];
            if (stopAt != null && stopAt.contains(word)) return nodes;
            pos[0]++;
            if (action.startsWith("/*")) continue;
            switch (word) {
                case "if", "range", "with" -> nodes.add(parseBlock(word, action.substring(word.length()).strip(), tokens, pos));
                case "end", "else" -> throw BuiltinException.error("template: unexpected {{" + word + "}}");
                default -> nodes.add(new Action(action));
            }
        }
        return nodes;
    }

    /** A block's body, optional else part and end; "else if" nests a block that shares the end. */
    private static Block parseBlock(String word, String pipeline, List<String> tokens, int[] pos) throws BuiltinException {
        List<Node> body = parse(tokens, pos, List.of("else", "end"));
        if (pos[0] >= tokens.size()) throw BuiltinException.error("template: unexpected EOF");
        String stop = tokens.get(pos[0]++);
        String stopAction = stop.substring(2, stop.length() - 2).strip();
        List<Node> orElse = List.of();
        if (stopAction.startsWith("else")) {
            String rest = stopAction.substring(4).strip();
            if (rest.startsWith("if ") || rest.startsWith("with ")) {
                String w = rest.split("\\s+", 2)[0];
                orElse = List.of(parseBlock(w, rest.substring(w.length()).strip(), tokens, pos));
            } else {
                orElse = parse(tokens, pos, List.of("end"));
                if (pos[0] >= tokens.size()) throw BuiltinException.error("template: unexpected EOF");
                pos[0]++;
            }
        }
        return new Block(word, pipeline, body, orElse);
    }

    private static void exec(List<Node> nodes, Value dot, Map<String, Value> scope, StringBuilder out) throws BuiltinException {
        for (Node n : nodes) {
            if (out.length() > MAX_OUTPUT) throw BuiltinException.error("template: output exceeds " + MAX_OUTPUT + " characters");
            switch (n) {
                case Text t -> out.append(t.text());
                case Action a -> {
                    String p = a.pipeline();
                    int assign = p.indexOf(":=");
                    if (p.startsWith("$") && assign > 0) {
                        scope.put(p.substring(0, assign).strip(), eval(p.substring(assign + 2).strip(), dot, scope));
                    } else {
                        out.append(print(eval(p, dot, scope)));
                    }
                }
                case Block b -> execBlock(b, dot, scope, out);
            }
        }
    }

    private static void execBlock(Block b, Value dot, Map<String, Value> scope, StringBuilder out) throws BuiltinException {
        switch (b.kind()) {
            case "if" -> exec(truthy(eval(b.pipeline(), dot, scope)) ? b.body() : b.orElse(), dot, scope, out);
            case "with" -> {
                Value v = eval(b.pipeline(), dot, scope);
                if (truthy(v)) exec(b.body(), v, scope, out);
                else exec(b.orElse(), dot, scope, out);
            }
            default -> { // range
                String p = b.pipeline();
                String keyVar = null;
                String valVar = null;
                int assign = p.indexOf(":=");
                if (assign > 0) {
                    String[] vars = p.substring(0, assign).split(",");
                    if (vars.length == 2) {
                        keyVar = vars[0].strip();
                        valVar = vars[1].strip();
                    } else {
                        valVar = vars[0].strip();
                    }
                    p = p.substring(assign + 2).strip();
                }
                Value over = eval(p, dot, scope);
                List<Value[]> items = new ArrayList<>();
                switch (over) {
                    case ArrayValue arr -> {
                        for (int i = 0; i < arr.size(); i++) items.add(new Value[] {NumberValue.of(i), arr.get(i)});
                    }
                    case SetValue set -> {
                        int i = 0;
                        for (Value v : set.elements()) items.add(new Value[] {NumberValue.of(i++), v});
                    }
                    case ObjectValue obj -> obj.entries().forEach((k, v) -> items.add(new Value[] {k, v}));
                    case null -> {}
                    default -> throw BuiltinException.error("template: range can't iterate over " + print(over));
                }
                if (items.isEmpty()) {
                    exec(b.orElse(), dot, scope, out);
                    return;
                }
                for (Value[] kv : items) {
                    Map<String, Value> inner = new HashMap<>(scope);
                    if (keyVar != null) inner.put(keyVar, kv[0]);
                    if (valVar != null) inner.put(valVar, kv[1]);
                    exec(b.body(), kv[1], inner, out);
                }
            }
        }
    }

    private static boolean truthy(Value v) {
        return switch (v) {
            case null -> false;
            case NullValue n -> false;
            case BoolValue b -> b.value();
            case NumberValue n -> n.value().signum() != 0;
            case StringValue s -> !s.value().isEmpty();
            case ArrayValue a -> a.size() > 0;
            case ObjectValue o -> o.size() > 0;
            case SetValue s -> s.size() > 0;
        };
    }

    /** Evaluates a pipeline: a command, optionally a function with arguments; "|" chains are not supported. */
    private static Value eval(String pipeline, Value dot, Map<String, Value> scope) throws BuiltinException {
        List<String> words = words(pipeline);
        if (words.isEmpty()) throw BuiltinException.error("template: missing value for command");
        String head = words.getFirst();
        List<Value> args = new ArrayList<>();
        for (String w : words.subList(1, words.size())) args.add(operand(w, dot, scope));
        return switch (head) {
            case "eq" -> BoolValue.of(args.subList(1, args.size()).stream().anyMatch(x -> java.util.Objects.equals(x, args.getFirst())));
            case "ne" -> BoolValue.of(!java.util.Objects.equals(args.get(0), args.get(1)));
            case "lt" -> BoolValue.of(args.get(0).compareTo(args.get(1)) < 0);
            case "le" -> BoolValue.of(args.get(0).compareTo(args.get(1)) <= 0);
            case "gt" -> BoolValue.of(args.get(0).compareTo(args.get(1)) > 0);
            case "ge" -> BoolValue.of(args.get(0).compareTo(args.get(1)) >= 0);
            case "not" -> BoolValue.of(!truthy(args.getFirst()));
            case "and" -> {
                Value last = null;
                for (Value v : args) {
                    last = v;
                    if (!truthy(v)) break;
                }
                yield last;
            }
            case "or" -> {
                Value last = null;
                for (Value v : args) {
                    last = v;
                    if (truthy(v)) break;
                }
                yield last;
            }
            case "len" -> switch (args.getFirst()) {
                case ArrayValue a -> NumberValue.of(a.size());
                case ObjectValue o -> NumberValue.of(o.size());
                case SetValue s -> NumberValue.of(s.size());
                case StringValue s -> NumberValue.of(s.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                default -> throw BuiltinException.error("template: len of " + print(args.getFirst()));
            };
            case "index" -> {
                Value v = args.getFirst();
                for (Value k : args.subList(1, args.size())) {
                    v = switch (v) {
                        case ArrayValue a when k instanceof NumberValue n && n.toIntExact() != null
                                && n.toIntExact() >= 0 && n.toIntExact() < a.size() -> a.get(n.toIntExact());
                        case ObjectValue o -> o.get(k);
                        default -> throw BuiltinException.error("template: error calling index: cannot index " + print(v));
                    };
                }
                yield v;
            }
            case "print", "printf", "println" -> {
                StringBuilder sb = new StringBuilder();
                if (head.equals("printf")) {
                    List<Object> fmtArgs = new ArrayList<>();
                    for (Value v : args.subList(1, args.size())) fmtArgs.add(print(v));
                    sb.append(GoFormat.sprintf(print(args.getFirst()), fmtArgs));
                } else {
                    for (int i = 0; i < args.size(); i++) {
                        if (i > 0 && (head.equals("println") || !(args.get(i) instanceof StringValue) && !(args.get(i - 1) instanceof StringValue))) sb.append(' ');
                        sb.append(print(args.get(i)));
                    }
                    if (head.equals("println")) sb.append('\n');
                }
                yield StringValue.of(sb.toString());
            }
            default -> {
                if (words.size() > 1) throw BuiltinException.error("template: function \"" + head + "\" not defined");
                yield operand(head, dot, scope);
            }
        };
    }

    private static Value operand(String w, Value dot, Map<String, Value> scope) throws BuiltinException {
        if (w.startsWith("(") && w.endsWith(")")) return eval(w.substring(1, w.length() - 1), dot, scope);
        if (w.startsWith("\"")) {
            try {
                return dev.airlock.policy.value.Json.parse(w);
            } catch (dev.airlock.policy.value.Json.ParseException e) {
                throw BuiltinException.error("template: bad string " + w);
            }
        }
        if (w.startsWith("`")) return StringValue.of(w.substring(1, w.length() - 1));
        if (w.equals("true") || w.equals("false")) return BoolValue.of(w.equals("true"));
        if (w.equals("nil")) return NullValue.NULL;
        if (!w.isEmpty() && (Character.isDigit(w.charAt(0)) || w.charAt(0) == '-')) {
            try {
                return NumberValue.parse(w);
            } catch (NumberFormatException e) {
                throw BuiltinException.error("template: bad number " + w);
            }
        }
        Value base;
        String path;
        if (w.startsWith("$")) {
            int dotAt = w.indexOf('.');
            String name = dotAt < 0 ? w : w.substring(0, dotAt);
            if (!scope.containsKey(name)) throw BuiltinException.error("template: undefined variable \"" + name + "\"");
            base = scope.get(name);
            path = dotAt < 0 ? "" : w.substring(dotAt);
        } else if (w.startsWith(".")) {
            base = dot;
            path = w.equals(".") ? "" : w;
        } else {
            throw BuiltinException.error("template: function \"" + w + "\" not defined");
        }
        for (String field : path.split("\\.")) {
            if (field.isEmpty()) continue;
            if (base instanceof ObjectValue o) {
                base = o.get(field);
            } else {
                base = null;
            }
            if (base == null) return null;
        }
        return base;
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (c == '"' || c == '`') {
                i++;
                while (i < s.length() && s.charAt(i) != c) i += s.charAt(i) == '\\' && c == '"' ? 2 : 1;
                i = Math.min(i + 1, s.length());
            } else if (c == '(') {
                int depth = 0;
                do {
                    if (s.charAt(i) == '(') depth++;
                    if (s.charAt(i) == ')') depth--;
                    i++;
                } while (i < s.length() && depth > 0);
            } else {
                while (i < s.length() && !Character.isWhitespace(s.charAt(i))) i++;
            }
            out.add(s.substring(start, i));
        }
        return out;
    }

    /** Go's %v of the JSON-decoded value. */
    static String print(Value v) {
        return switch (v) {
            case null -> "<undefined>";
            case NullValue n -> "<nil>";
            case StringValue s -> s.value();
            case NumberValue n -> n.toString();
            case BoolValue b -> b.toString();
            case ArrayValue a -> {
                List<String> parts = new ArrayList<>();
                for (Value x : a.elements()) parts.add(print(x));
                yield "[" + String.join(" ", parts) + "]";
            }
            case SetValue s -> {
                List<String> parts = new ArrayList<>();
                for (Value x : s.elements()) parts.add(print(x));
                yield "[" + String.join(" ", parts) + "]";
            }
            case ObjectValue o -> {
                List<String> parts = new ArrayList<>();
                o.entries().forEach((k, x) -> parts.add(print(k) + ":" + print(x)));
                yield "map[" + String.join(" ", parts) + "]";
            }
        };
    }
}
