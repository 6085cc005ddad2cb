package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON and YAML text: json.marshal/unmarshal/is_valid/marshal_with_options, yaml.marshal/unmarshal/is_valid. */
public final class SerializationBuiltins {
    private SerializationBuiltins() {}

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Json.MAX_DEPTH).build())
            .build());

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("json.marshal", func(args(A), S), "Serializes a value as compact JSON (sets as arrays)",
                        (ctx, a) -> StringValue.of(Json.write(a.get(0)))),
                Builtin.of("json.marshal_with_options", func(args(A, record("pretty", B, "indent", S, "prefix", S)), S),
                        "Serializes as JSON, optionally pretty-printed with an indent and line prefix",
                        (ctx, a) -> marshalWithOptions(a.get(0), Operands.object(a, 2))),
                Builtin.of("json.unmarshal", func(args(S), A), "Parses JSON text",
                        (ctx, a) -> {
                            try {
                                return Json.parse(string(a, 1));
                            } catch (Json.ParseException e) {
                                throw BuiltinException.error(e.getMessage());
                            }
                        }),
                Builtin.of("json.is_valid", func(args(S), B), "Whether a string is valid JSON (false for non-strings)",
                        (ctx, a) -> {
                            if (!(a.get(0) instanceof StringValue s)) return BoolValue.FALSE;
                            try {
                                Json.parse(s.value());
                                return BoolValue.TRUE;
                            } catch (Json.ParseException e) {
                                return BoolValue.FALSE;
                            }
                        }),
                Builtin.of("yaml.marshal", func(args(A), S), "Serializes a value as YAML",
                        (ctx, a) -> {
                            try {
                                return StringValue.of(YAML.writeValueAsString(toNode(a.get(0))));
                            } catch (JsonProcessingException e) {
                                throw BuiltinException.error("yaml: " + e.getOriginalMessage());
                            }
                        }),
                Builtin.of("yaml.unmarshal", func(args(S), A), "Parses YAML text",
                        (ctx, a) -> parseYaml(string(a, 1))),
                Builtin.of("yaml.is_valid", func(args(S), B), "Whether a string is valid YAML (false for non-strings)",
                        (ctx, a) -> {
                            if (!(a.get(0) instanceof StringValue s)) return BoolValue.FALSE;
                            try {
                                parseYaml(s.value());
                                return BoolValue.TRUE;
                            } catch (BuiltinException e) {
                                return BoolValue.FALSE;
                            }
                        }));
    }

    private static Value marshalWithOptions(Value v, ObjectValue opts) throws BuiltinException {
        boolean pretty = false;
        boolean prettyGiven = false;
        String indent = "\t";
        String prefix = "";
        for (Map.Entry<Value, Value> e : opts.entries().entrySet()) {
            String key = e.getKey() instanceof StringValue s ? s.value() : Json.write(e.getKey());
            switch (key) {
                case "pretty" -> {
                    if (!(e.getValue() instanceof BoolValue b)) throw BuiltinException.type("pretty option must be a boolean");
                    pretty = b.value();
                    prettyGiven = true;
                }
                case "indent" -> {
                    if (!(e.getValue() instanceof StringValue s)) throw BuiltinException.type("indent option must be a string");
                    indent = s.value();
                    if (!prettyGiven) pretty = true;
                }
                case "prefix" -> {
                    if (!(e.getValue() instanceof StringValue s)) throw BuiltinException.type("prefix option must be a string");
                    prefix = s.value();
                    if (!prettyGiven) pretty = true;
                }
                default -> throw BuiltinException.type("object contained unknown key " + Operands.quote(key));
            }
        }
        if (!pretty) return StringValue.of(Json.write(v));
        StringBuilder sb = new StringBuilder(prefix);
        writeIndented(sb, v, prefix, indent, 0);
        return StringValue.of(sb.toString());
    }

    /** Go's json.MarshalIndent layout. */
    private static void writeIndented(StringBuilder sb, Value v, String prefix, String indent, int depth) {
        List<Map.Entry<String, Value>> entries = new ArrayList<>();
        boolean object = false;
        switch (v) {
            case ArrayValue a -> a.elements().forEach(x -> entries.add(Map.entry("", x)));
            case SetValue s -> s.elements().forEach(x -> entries.add(Map.entry("", x)));
            case ObjectValue o -> {
                object = true;
                o.entries().forEach((k, x) -> entries.add(Map.entry(k instanceof StringValue s ? s.value() : Json.write(k), x)));
            }
            default -> {
                Json.write(sb, v);
                return;
            }
        }
        char open = object ? '{' : '[';
        char close = object ? '}' : ']';
        if (entries.isEmpty()) {
            sb.append(open).append(close);
            return;
        }
        sb.append(open);
        for (int i = 0; i < entries.size(); i++) {
            sb.append('\n').append(prefix).append(indent.repeat(depth + 1));
            if (object) sb.append(Json.quote(entries.get(i).getKey())).append(": ");
            writeIndented(sb, entries.get(i).getValue(), prefix, indent, depth + 1);
            if (i < entries.size() - 1) sb.append(',');
        }
        sb.append('\n').append(prefix).append(indent.repeat(depth)).append(close);
    }

    private static Value parseYaml(String text) throws BuiltinException {
        try {
            JsonNode node = YAML.readTree(text);
            return node == null || node.isMissingNode() ? NullValue.NULL : fromNode(node);
        } catch (JsonProcessingException e) {
            throw BuiltinException.error(yamlMessage(e));
        }
    }

    /** Reworded in the style of Go's yaml errors: {@code yaml: line 1: did not find expected ...}. */
    private static String yamlMessage(JsonProcessingException e) {
        String problem = e.getOriginalMessage();
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
            problem = m.getProblem();
            if (m.getProblemMark() != null) {
                String p = problem == null ? "" : problem;
                int but = p.indexOf(", but ");
                if (p.startsWith("expected ") && but > 0) p = "did not find " + p.substring(0, but);
                return "yaml: line " + (m.getProblemMark().getLine() + 1) + ": " + p;
            }
        }
        if (e.getLocation() != null) {
            return "yaml: line " + e.getLocation().getLineNr() + ": " + problem;
        }
        return "yaml: " + problem;
    }

    static Value fromNode(JsonNode n) {
        if (n.isObject()) {
            TreeMap<Value, Value> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(StringValue.of(e.getKey()), fromNode(e.getValue()));
            }
            return ObjectValue.wrap(m);
        }
        if (n.isArray()) {
            List<Value> xs = new ArrayList<>();
            for (JsonNode x : n) xs.add(fromNode(x));
            return new ArrayValue(xs);
        }
        if (n.isNumber()) {
            if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue()) && !n.isBigDecimal()) {
                return StringValue.of(n.asText());
            }
            return NumberValue.of(n.decimalValue());
        }
        if (n.isBoolean()) return BoolValue.of(n.booleanValue());
        if (n.isNull() || n.isMissingNode()) return NullValue.NULL;
        if (n.isBinary()) return StringValue.of(java.util.Base64.getEncoder().encodeToString(((com.fasterxml.jackson.databind.node.BinaryNode) n).binaryValue()));
        return StringValue.of(n.asText());
    }

    static JsonNode toNode(Value v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v) {
            case NullValue x -> f.nullNode();
            case BoolValue b -> f.booleanNode(b.value());
            case NumberValue n -> n.isInteger() ? f.numberNode(n.value().toBigIntegerExact()) : f.numberNode(n.value());
            case StringValue s -> f.textNode(s.value());
            case ArrayValue a -> {
                ArrayNode arr = f.arrayNode();
                a.elements().forEach(x -> arr.add(toNode(x)));
                yield arr;
            }
            case SetValue s -> {
                ArrayNode arr = f.arrayNode();
                s.elements().forEach(x -> arr.add(toNode(x)));
                yield arr;
            }
            case ObjectValue o -> {
                ObjectNode obj = f.objectNode();
                o.entries().forEach((k, x) -> obj.set(k instanceof StringValue s ? s.value() : Json.write(k), toNode(x)));
                yield obj;
            }
        };
    }
}
