package dev.airlock.policy.builtins.jsonschema;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a schema document as gojsonschema does (draft 4, 6 and 7, chosen by {@code $schema},
 * otherwise its "hybrid" mode that accepts all of them), with its error texts. Only references
 * inside the document ({@code #...}) are followed; remote references are refused.
 */
final class SchemaCompiler {
    private static final int DRAFT4 = 4, DRAFT6 = 6, DRAFT7 = 7, HYBRID = Integer.MAX_VALUE;
    static final List<String> JSON_TYPES = List.of("array", "boolean", "integer", "number", "null", "object", "string");
    /** How deeply schemas may nest (and references chain) before we refuse the schema. */
    static final int MAX_DEPTH = 1000;
    private static final int MAX_PATTERN_LENGTH = 64 * 1024;

    private final Value root;
    private final int draft;
    private final Map<String, SchemaNode> refs = new HashMap<>();
    private int depth;

    private SchemaCompiler(Value root, int draft) {
        this.root = root;
        this.draft = draft;
    }

    static SchemaNode compile(Value root) throws SchemaError {
        int draft = HYBRID;
        if (!(root instanceof ObjectValue) && !(root instanceof BoolValue)) throw new SchemaError("schema is invalid");
        if (root instanceof ObjectValue o && o.get("$schema") != null) {
            if (!(o.get("$schema") instanceof StringValue s)) throw new SchemaError("$schema must be of type string");
            String url = s.value().replaceFirst("^https://", "http://").replaceFirst("#$", "");
            if (url.equals("http://json-schema.org/draft-04/schema")) draft = DRAFT4;
            else if (url.equals("http://json-schema.org/draft-06/schema")) draft = DRAFT6;
            else if (url.equals("http://json-schema.org/draft-07/schema")) draft = DRAFT7;
        }
        return new SchemaCompiler(root, draft).parse(root);
    }

    private static SchemaError invalidType(String expected, String given) {
        return new SchemaError("Invalid type. Expected: " + expected + ", given: " + given);
    }

    private SchemaNode parse(Value v) throws SchemaError {
        SchemaNode n = new SchemaNode();
        parseInto(v, n);
        return n;
    }

    private void parseInto(Value v, SchemaNode n) throws SchemaError {
        if (++depth > MAX_DEPTH) throw new SchemaError("schema nesting is too deep");
        try {
            parseKeywords(v, n);
        } finally {
            depth--;
        }
    }

    private void parseKeywords(Value v, SchemaNode n) throws SchemaError {
        if (draft >= DRAFT6 && v instanceof BoolValue b) {
            n.pass = b.value();
            return;
        }
        if (!(v instanceof ObjectValue m)) throw new SchemaError("Expected: valid schema, given: Invalid JSON");

        String idKey = draft == DRAFT4 || (draft == HYBRID && m.get("id") != null) ? "id" : "$id";
        string(m, idKey);
        Value defs = m.get("definitions");
        if (defs != null) {
            if (!(defs instanceof ObjectValue dm)) throw invalidType("array of schemas", "definitions");
            for (Value d : dm.entries().values()) {
                if (!(d instanceof ObjectValue) && !(d instanceof BoolValue)) throw invalidType("array of schemas", "definitions");
                parse(d);
            }
        }
        string(m, "title");
        string(m, "description");
        String ref = string(m, "$ref");
        if (ref != null) {
            n.ref = resolve(ref);
            return;
        }

        Value type = m.get("type");
        if (type != null) {
            if (type instanceof StringValue s) {
                addType(n, s.value());
            } else if (type instanceof ArrayValue a) {
                for (Value t : a.elements()) {
                    if (!(t instanceof StringValue s)) throw invalidType("type", "string/array of strings");
                    addType(n, s.value());
                }
            } else {
                throw invalidType("type", "string/array of strings");
            }
        }

        Value props = m.get("properties");
        if (props != null) {
            if (!(props instanceof ObjectValue pm)) throw new SchemaError("properties must be of type object");
            for (Map.Entry<Value, Value> e : pm.entries().entrySet()) {
                n.properties.put(key(e.getKey()), parse(e.getValue()));
            }
        }
        Value ap = m.get("additionalProperties");
        if (ap != null) {
            if (ap instanceof BoolValue b) n.additionalProperties = b.value();
            else if (ap instanceof ObjectValue) n.additionalProperties = parse(ap);
            else throw invalidType("boolean/valid schema", "additionalProperties");
        }
        Value pp = m.get("patternProperties");
        if (pp != null) {
            if (!(pp instanceof ObjectValue pm)) throw invalidType("valid schema", "patternProperties");
            for (Map.Entry<Value, Value> e : pm.entries().entrySet()) {
                String k = key(e.getKey());
                Pattern p = regex(k);
                if (p == null) throw new SchemaError("Invalid regex pattern '" + k + "'");
                n.propertyPatterns.put(k, p);
                n.patternProperties.put(k, parse(e.getValue()));
            }
        }
        Value pn = m.get("propertyNames");
        if (pn != null && draft >= DRAFT6) {
            if (!(pn instanceof ObjectValue) && !(pn instanceof BoolValue)) throw invalidType("valid schema", "patternProperties");
            n.propertyNames = parse(pn);
        }
        Value deps = m.get("dependencies");
        if (deps != null) {
            if (!(deps instanceof ObjectValue dm)) throw new SchemaError("dependencies must be of type object");
            for (Map.Entry<Value, Value> e : dm.entries().entrySet()) {
                switch (e.getValue()) {
                    case ArrayValue a -> {
                        List<String> names = new ArrayList<>();
                        for (Value x : a.elements()) {
                            if (!(x instanceof StringValue s)) {
                                throw new SchemaError("dependency must be of type schema or array of strings");
                            }
                            names.add(s.value());
                        }
                        if (!names.isEmpty()) n.dependencies.put(key(e.getKey()), names);
                    }
                    case ObjectValue o -> n.dependencies.put(key(e.getKey()), parse(o));
                    case BoolValue b -> n.dependencies.put(key(e.getKey()), parse(b));
                    default -> throw new SchemaError("dependency must be of type schema or array of strings");
                }
            }
        }
        Value items = m.get("items");
        if (items != null) {
            if (items instanceof ArrayValue a) {
                for (Value x : a.elements()) {
                    if (!(x instanceof ObjectValue) && !(x instanceof BoolValue)) {
                        throw invalidType("valid schema/array of schemas", "items");
                    }
                    n.items.add(parse(x));
                }
            } else if (items instanceof ObjectValue || items instanceof BoolValue) {
                n.items.add(parse(items));
                n.itemsIsSingleSchema = true;
            } else {
                throw invalidType("valid schema/array of schemas", "items");
            }
        }
        Value ai = m.get("additionalItems");
        if (ai != null) {
            if (ai instanceof BoolValue b) n.additionalItems = b.value();
            else if (ai instanceof ObjectValue) n.additionalItems = parse(ai);
            else throw invalidType("boolean/valid schema", "additionalItems");
        }

        Value mo = m.get("multipleOf");
        if (mo != null) {
            if (!(mo instanceof NumberValue num)) throw invalidType("number", "multipleOf");
            if (num.value().signum() <= 0) throw new SchemaError("multipleOf must be strictly greater than 0");
            n.multipleOf = num.value();
        }
        n.minimum = numberOfA(m, "minimum");
        n.exclusiveMinimum = exclusive(m, "exclusiveMinimum", "minimum", n.minimum);
        if (n.exclusiveMinimum != null && m.get("exclusiveMinimum") instanceof BoolValue) n.minimum = null;
        n.maximum = numberOfA(m, "maximum");
        n.exclusiveMaximum = exclusive(m, "exclusiveMaximum", "maximum", n.maximum);
        if (n.exclusiveMaximum != null && m.get("exclusiveMaximum") instanceof BoolValue) n.maximum = null;

        n.minLength = count(m, "minLength");
        n.maxLength = count(m, "maxLength");
        if (n.minLength != null && n.maxLength != null && n.minLength > n.maxLength) {
            throw new SchemaError("minLength cannot be greater than maxLength");
        }
        String pattern = string(m, "pattern");
        if (pattern != null) {
            n.pattern = regex(pattern);
            if (n.pattern == null) throw new SchemaError("pattern must be a valid regex");
            n.patternSource = pattern;
        }
        n.format = string(m, "format");

        n.minProperties = count(m, "minProperties");
        n.maxProperties = count(m, "maxProperties");
        if (n.minProperties != null && n.maxProperties != null && n.minProperties > n.maxProperties) {
            throw new SchemaError("minProperties cannot be greater than maxProperties");
        }
        for (Value r : slice(m, "required")) {
            if (!(r instanceof StringValue s)) throw invalidType("string", "required");
            if (n.required.contains(s.value())) throw new SchemaError("required items must be unique");
            n.required.add(s.value());
        }

        n.minItems = count(m, "minItems");
        n.maxItems = count(m, "maxItems");
        Value ui = m.get("uniqueItems");
        if (ui != null) {
            if (!(ui instanceof BoolValue b)) throw new SchemaError("uniqueItems must be of a boolean");
            n.uniqueItems = b.value();
        }
        Value contains = m.get("contains");
        if (contains != null && draft >= DRAFT6) n.contains = parse(contains);

        Value cnst = m.get("const");
        if (cnst != null && draft >= DRAFT6) n.constJson = GoJson.write(cnst);
        List<Value> en = slice(m, "enum");
        n.enumPresent = m.get("enum") != null;
        for (Value e : en) {
            String js = GoJson.write(e);
            if (n.enumJson.contains(js)) throw new SchemaError("enum items must be unique");
            n.enumJson.add(js);
        }

        for (Value x : slice(m, "oneOf")) n.oneOf.add(parse(x));
        for (Value x : slice(m, "anyOf")) n.anyOf.add(parse(x));
        for (Value x : slice(m, "allOf")) n.allOf.add(parse(x));
        n.not = subschema(m, "not");
        if (draft >= DRAFT7) {
            n.ifSchema = subschema(m, "if");
            n.thenSchema = subschema(m, "then");
            n.elseSchema = subschema(m, "else");
        }
    }

    private static void addType(SchemaNode n, String t) throws SchemaError {
        if (!JSON_TYPES.contains(t)) {
            throw new SchemaError("has a primitive type that is NOT VALID -- given: /" + t
                    + "/ Expected valid values are:[" + String.join(" ", JSON_TYPES) + "]");
        }
        if (n.types.contains(t)) throw new SchemaError(t + " type is duplicated");
        n.types.add(t);
    }

    private static String key(Value k) {
        return k instanceof StringValue s ? s.value() : k.toString();
    }

    private static String string(ObjectValue m, String key) throws SchemaError {
        Value v = m.get(key);
        if (v == null) return null;
        if (v instanceof StringValue s) return s.value();
        throw invalidType("string", key);
    }

    private static List<Value> slice(ObjectValue m, String key) throws SchemaError {
        Value v = m.get(key);
        if (v == null) return List.of();
        if (v instanceof ArrayValue a) return a.elements();
        throw new SchemaError(key + " must be of an array");
    }

    private SchemaNode subschema(ObjectValue m, String key) throws SchemaError {
        Value v = m.get(key);
        if (v == null) return null;
        if (!(v instanceof ObjectValue) && !(v instanceof BoolValue)) throw new SchemaError(key + " must be of an object");
        return parse(v);
    }

    private static BigDecimal numberOfA(ObjectValue m, String key) throws SchemaError {
        Value v = m.get(key);
        if (v == null) return null;
        if (v instanceof NumberValue n) return n.value();
        throw new SchemaError(key + " must be of a number");
    }

    private BigDecimal exclusive(ObjectValue m, String key, String base, BigDecimal baseValue) throws SchemaError {
        Value v = m.get(key);
        if (v == null) return null;
        if (draft == DRAFT4 || (draft == HYBRID && v instanceof BoolValue)) {
            if (!(v instanceof BoolValue b)) throw invalidType("boolean", key);
            if (baseValue == null) throw new SchemaError(key + " cannot be used without " + base);
            return b.value() ? baseValue : null;
        }
        if (v instanceof NumberValue n) return n.value();
        throw invalidType(draft == HYBRID ? "boolean/number" : "number", key);
    }

    /** A non-negative integer keyword ({@code minLength}, {@code maxItems}, ...). */
    private static Integer count(ObjectValue m, String key) throws SchemaError {
        Value v = m.get(key);
        if (v == null) return null;
        BigInteger i = v instanceof NumberValue n ? n.toBigIntegerExact() : null;
        if (i == null) throw new SchemaError(key + " must be of an integer");
        if (i.signum() < 0) throw new SchemaError(key + " must be greater than or equal to 0");
        return i.bitLength() > 31 ? Integer.MAX_VALUE : i.intValue();
    }

    private static Pattern regex(String source) {
        if (source.length() > MAX_PATTERN_LENGTH) return null;
        try {
            return Pattern.compile(source);
        } catch (PatternSyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /** A reference into this document ({@code #}, {@code #/json/pointer}); others are refused. */
    private SchemaNode resolve(String ref) throws SchemaError {
        SchemaNode known = refs.get(ref);
        if (known != null) return known;
        if (!ref.startsWith("#")) {
            throw new SchemaError("Could not load remote reference " + ref + ": remote references are not allowed");
        }
        Value target = root;
        String pointer = ref.substring(1);
        if (!pointer.isEmpty()) {
            if (!pointer.startsWith("/")) throw new SchemaError("Object has no key '" + pointer + "'");
            for (String raw : pointer.substring(1).split("/", -1)) {
                String token = java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("~1", "/").replace("~0", "~");
                target = switch (target) {
                    case ObjectValue o -> o.get(token);
                    case ArrayValue a -> {
                        try {
                            int i = Integer.parseInt(token);
                            yield i >= 0 && i < a.size() ? a.get(i) : null;
                        } catch (NumberFormatException e) {
                            yield null;
                        }
                    }
                    default -> null;
                };
                if (target == null) throw new SchemaError("Object has no key '" + token + "'");
            }
        }
        if (!(target instanceof ObjectValue) && !(target instanceof BoolValue)) {
            throw new SchemaError("schema must be of type object");
        }
        SchemaNode n = new SchemaNode();
        refs.put(ref, n);
        parseInto(target, n);
        return n;
    }
}
