package dev.airlock.policy.builtins.jsonschema;

import com.google.re2j.Pattern;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled JSON Schema that validates documents with gojsonschema's semantics and messages
 * (the engine behind OPA's {@code json.match_schema}), including its choice of the "closest"
 * branch's errors when {@code anyOf}/{@code oneOf} fail. Object properties are visited in key
 * order, so results are deterministic.
 */
public final class JsonSchema {
    private final SchemaNode root;

    private JsonSchema(SchemaNode root) {
        this.root = root;
    }

    /** Compiles a schema document (an object, or a boolean schema). */
    public static JsonSchema compile(Value schema) throws SchemaError {
        return new JsonSchema(SchemaCompiler.compile(schema));
    }

    /** The validation errors for a document; empty when it matches. */
    public List<ValidationError> validate(Value document) throws SchemaError {
        Result r = new Result();
        new Walk().recurse(root, document, r, List.of());
        return r.errors;
    }

    /** Errors plus gojsonschema's "score", which picks the closest failing branch. */
    private static final class Result {
        final List<ValidationError> errors = new ArrayList<>();
        int score;

        boolean valid() {
            return errors.isEmpty();
        }

        void merge(Result other) {
            if (other == null) return;
            errors.addAll(other.errors);
            score += other.score;
        }
    }

    /**
     * The most nested (sub)schema visits one validation may have in progress. Only recursive
     * schemas go deep (a {@code $ref} per document level costs two visits), and a {@code $ref}
     * loop that never descends into the document ends here instead of exhausting the stack.
     */
    static final int MAX_ACTIVE_VISITS = 512;

    private static final class Walk {
        private int active;

        private static String field(List<String> path) {
            return path.isEmpty() ? "(root)" : String.join(".", path);
        }

        private static List<String> child(List<String> path, String name) {
            List<String> p = new ArrayList<>(path);
            p.add(name);
            return p;
        }

        private static void add(Result r, List<String> path, String type, String description) {
            r.errors.add(new ValidationError(type, field(path), description));
        }

        private Result sub(SchemaNode s, Value v, List<String> path) throws SchemaError {
            Result r = new Result();
            recurse(s, v, r, path);
            return r;
        }

        void recurse(SchemaNode s, Value v, Result r, List<String> path) throws SchemaError {
            if (active >= MAX_ACTIVE_VISITS) throw new SchemaError("schema recursion is too deep");
            active++;
            try {
                visit(s, v, r, path);
            } finally {
                active--;
            }
        }

        private void visit(SchemaNode s, Value v, Result r, List<String> path) throws SchemaError {
            if (s.pass != null) {
                if (!s.pass) add(r, path, "false", "False always fails validation");
                return;
            }
            if (s.ref != null) {
                recurse(s.ref, v, r, path);
                return;
            }
            String given = switch (v) {
                case NullValue n -> "null";
                case NumberValue n -> isInteger(n.value()) ? "integer" : "number";
                case ArrayValue a -> "array";
                case ObjectValue o -> "object";
                case BoolValue b -> "boolean";
                case StringValue str -> "string";
                default -> "array";
            };
            boolean typed = !s.types.isEmpty();
            boolean ok = !typed || s.types.contains(given)
                    || (given.equals("integer") && s.types.contains("number"));
            if (!ok) {
                add(r, path, "invalid_type", "Invalid type. Expected: " + s.typesString() + ", given: " + given);
                return;
            }
            combinators(s, v, r, path);
            switch (v) {
                case NumberValue n -> number(s, n.value(), r, path);
                case ArrayValue a -> array(s, a, r, path);
                case ObjectValue o -> object(s, o, r, path);
                default -> { }
            }
            common(s, v, r, path);
            if (v instanceof StringValue str) string(s, str.value(), r, path);
            if (v instanceof ObjectValue o) {
                for (Map.Entry<String, SchemaNode> e : s.properties.entrySet()) {
                    Value next = o.get(e.getKey());
                    if (next != null) recurse(e.getValue(), next, r, child(path, e.getKey()));
                }
            }
            r.score++;
        }

        private static boolean isInteger(BigDecimal d) {
            return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
        }

        private void combinators(SchemaNode s, Value v, Result r, List<String> path) throws SchemaError {
            if (!s.anyOf.isEmpty()) {
                Result best = null;
                boolean any = false;
                for (SchemaNode x : s.anyOf) {
                    Result res = sub(x, v, path);
                    if (res.valid()) {
                        any = true;
                        break;
                    }
                    if (best == null || res.score > best.score) best = res;
                }
                if (!any) {
                    add(r, path, "number_any_of", "Must validate at least one schema (anyOf)");
                    r.merge(best);
                }
            }
            if (!s.oneOf.isEmpty()) {
                int valid = 0;
                Result best = null;
                for (SchemaNode x : s.oneOf) {
                    Result res = sub(x, v, path);
                    if (res.valid()) valid++;
                    else if (valid == 0 && (best == null || res.score > best.score)) best = res;
                }
                if (valid != 1) {
                    add(r, path, "number_one_of", "Must validate one and only one schema (oneOf)");
                    if (valid == 0) r.merge(best);
                }
            }
            if (!s.allOf.isEmpty()) {
                int valid = 0;
                for (SchemaNode x : s.allOf) {
                    Result res = sub(x, v, path);
                    if (res.valid()) valid++;
                    r.merge(res);
                }
                if (valid != s.allOf.size()) add(r, path, "number_all_of", "Must validate all the schemas (allOf)");
            }
            if (s.not != null && sub(s.not, v, path).valid()) {
                add(r, path, "number_not", "Must not validate the schema (not)");
            }
            if (!s.dependencies.isEmpty() && v instanceof ObjectValue o) {
                for (Value k : o.entries().keySet()) {
                    Object dep = s.dependencies.get(((StringValue) k).value());
                    if (dep instanceof List<?> names) {
                        for (Object name : names) {
                            if (o.get((String) name) == null) {
                                add(r, path, "missing_dependency", "Has a dependency on " + name);
                            }
                        }
                    } else if (dep instanceof SchemaNode d) {
                        recurse(d, v, r, path);
                    }
                }
            }
            if (s.ifSchema != null) {
                boolean ifValid = sub(s.ifSchema, v, path).valid();
                SchemaNode branch = ifValid ? s.thenSchema : s.elseSchema;
                if (branch != null) {
                    Result res = sub(branch, v, path);
                    if (!res.valid()) {
                        if (ifValid) add(r, path, "condition_then", "Must validate \"then\" as \"if\" was valid");
                        else add(r, path, "condition_else", "Must validate \"else\" as \"if\" was not valid");
                        r.merge(res);
                    }
                }
            }
            r.score++;
        }

        private void common(SchemaNode s, Value v, Result r, List<String> path) {
            if (s.constJson != null && !GoJson.write(v).equals(s.constJson)) {
                add(r, path, "const", field(path) + " does not match: " + s.constJson);
            }
            if (s.enumPresent && !s.enumJson.contains(GoJson.write(v))) {
                String allowed = s.enumJson.isEmpty() ? "(none)" : String.join(", ", s.enumJson);
                add(r, path, "enum", field(path) + " must be one of the following: " + allowed);
            }
            if (s.format != null && !Formats.matches(s.format, v)) {
                add(r, path, "format", "Does not match format '" + s.format + "'");
            }
            r.score++;
        }

        private void array(SchemaNode s, ArrayValue a, Result r, List<String> path) throws SchemaError {
            int n = a.size();
            if (s.itemsIsSingleSchema) {
                for (int i = 0; i < n; i++) r.merge(sub(s.items.getFirst(), a.get(i), child(path, Integer.toString(i))));
            } else if (!s.items.isEmpty()) {
                int k = s.items.size();
                for (int i = 0; i < k && i < n; i++) r.merge(sub(s.items.get(i), a.get(i), child(path, Integer.toString(i))));
                if (k < n) {
                    if (Boolean.FALSE.equals(s.additionalItems)) {
                        add(r, path, "array_no_additional_items", "No additional items allowed on array");
                    } else if (s.additionalItems instanceof SchemaNode extra) {
                        for (int i = k; i < n; i++) r.merge(sub(extra, a.get(i), child(path, Integer.toString(i))));
                    }
                }
            }
            if (s.minItems != null && n < s.minItems) {
                add(r, path, "array_min_items", "Array must have at least " + s.minItems + " items");
            }
            if (s.maxItems != null && n > s.maxItems) {
                add(r, path, "array_max_items", "Array must have at most " + s.maxItems + " items");
            }
            if (s.uniqueItems) {
                Map<String, Integer> seen = new HashMap<>();
                for (int j = 0; j < n; j++) {
                    Integer i = seen.put(GoJson.write(a.get(j)), j);
                    if (i != null) add(r, path, "unique", "array items[" + i + "," + j + "] must be unique");
                }
            }
            if (s.contains != null) {
                boolean found = false;
                Result best = null;
                for (int i = 0; i < n; i++) {
                    Result res = sub(s.contains, a.get(i), child(path, Integer.toString(i)));
                    if (res.valid()) {
                        found = true;
                        break;
                    }
                    if (best == null || res.score > best.score) best = res;
                }
                if (!found) {
                    add(r, path, "contains", "At least one of the items must match");
                    r.merge(best);
                }
            }
            r.score++;
        }

        private void object(SchemaNode s, ObjectValue o, Result r, List<String> path) throws SchemaError {
            if (s.minProperties != null && o.size() < s.minProperties) {
                add(r, path, "array_min_properties", "Must have at least " + s.minProperties + " properties");
            }
            if (s.maxProperties != null && o.size() > s.maxProperties) {
                add(r, path, "array_max_properties", "Must have at most " + s.maxProperties + " properties");
            }
            for (String req : s.required) {
                if (o.get(req) != null) r.score++;
                else add(r, path, "required", req + " is required");
            }
            for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                String k = ((StringValue) e.getKey()).value();
                boolean matched = false;
                for (Map.Entry<String, Pattern> p : s.propertyPatterns.entrySet()) {
                    if (p.getValue().matcher(k).find()) {
                        matched = true;
                        r.merge(sub(s.patternProperties.get(p.getKey()), e.getValue(), child(path, k)));
                    }
                }
                if (matched) r.score++;
                if (s.properties.containsKey(k) || matched) continue;
                if (Boolean.FALSE.equals(s.additionalProperties)) {
                    add(r, path, "additional_property_not_allowed", "Additional property " + k + " is not allowed");
                } else if (s.additionalProperties instanceof SchemaNode extra) {
                    r.merge(sub(extra, e.getValue(), child(path, k)));
                }
            }
            if (s.propertyNames != null) {
                for (Value k : o.entries().keySet()) {
                    Result res = sub(s.propertyNames, k, path);
                    if (!res.valid()) {
                        add(r, path, "invalid_property_name",
                                "Property name of \"" + ((StringValue) k).value() + "\" does not match");
                        r.merge(res);
                    }
                }
            }
            r.score++;
        }

        private void string(SchemaNode s, String v, Result r, List<String> path) {
            int len = v.codePointCount(0, v.length());
            if (s.minLength != null && len < s.minLength) {
                add(r, path, "string_gte", "String length must be greater than or equal to " + s.minLength);
            }
            if (s.maxLength != null && len > s.maxLength) {
                add(r, path, "string_lte", "String length must be less than or equal to " + s.maxLength);
            }
            if (s.pattern != null && !s.pattern.matcher(v).find()) {
                add(r, path, "pattern", "Does not match pattern '" + s.patternSource + "'");
            }
            r.score++;
        }

        private void number(SchemaNode s, BigDecimal v, Result r, List<String> path) {
            if (s.multipleOf != null && v.remainder(s.multipleOf).signum() != 0) {
                add(r, path, "multiple_of", "Must be a multiple of " + goFloat(s.multipleOf));
            }
            if (s.maximum != null && v.compareTo(s.maximum) > 0) {
                add(r, path, "number_lte", "Must be less than or equal to " + goFloat(s.maximum));
            }
            if (s.exclusiveMaximum != null && v.compareTo(s.exclusiveMaximum) >= 0) {
                add(r, path, "number_lt", "Must be less than " + goFloat(s.exclusiveMaximum));
            }
            if (s.minimum != null && v.compareTo(s.minimum) < 0) {
                add(r, path, "number_gte", "Must be greater than or equal to " + goFloat(s.minimum));
            }
            if (s.exclusiveMinimum != null && v.compareTo(s.exclusiveMinimum) <= 0) {
                add(r, path, "number_gt", "Must be greater than " + goFloat(s.exclusiveMinimum));
            }
            r.score++;
        }
    }

    /** A {@code big.Float} as Go's text/template prints it: {@code %g} with 10 significant digits. */
    static String goFloat(BigDecimal d) {
        if (d.signum() == 0) return "0";
        BigDecimal rounded = d.round(new MathContext(10, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        String digits = rounded.unscaledValue().abs().toString();
        int nd = digits.length();
        int dp = nd - rounded.scale();
        int exp = dp - 1;
        int eprec = 10;
        if (eprec > nd && nd >= dp) eprec = nd;
        String sign = d.signum() < 0 ? "-" : "";
        if (exp < -4 || exp >= eprec) {
            String mant = nd > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return sign + rounded.abs().toPlainString();
    }
}
