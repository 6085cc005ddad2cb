package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.NULL;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.record;
import static dev.airlock.policy.types.Types.tuple;

import dev.airlock.policy.builtins.jsonschema.JsonSchema;
import dev.airlock.policy.builtins.jsonschema.SchemaError;
import dev.airlock.policy.builtins.jsonschema.ValidationError;
import dev.airlock.policy.types.Type;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * json.verify_schema and json.match_schema: JSON Schema (drafts 4, 6, 7) with gojsonschema's
 * semantics and error objects, as OPA returns them. Schemas and documents may be given as JSON
 * text or as values; compiled schemas are cached for the query.
 */
public final class JsonSchemaBuiltins {
    private JsonSchemaBuiltins() {}

    private static final Type DOC = anyOf(S, objectOf(A, A));

    private record CacheKey(Value schema) {}

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("json.verify_schema", func(args(DOC), tuple(B, anyOf(NULL, S))),
                        "Checks that a value or JSON string is a valid JSON Schema, returning [valid, error or null]",
                        (ctx, a) -> {
                            try {
                                JsonSchema.compile(load(a.get(0)));
                                return ArrayValue.of(BoolValue.TRUE, NullValue.NULL);
                            } catch (SchemaError e) {
                                return ArrayValue.of(BoolValue.FALSE, StringValue.of("jsonschema: " + e.getMessage()));
                            }
                        }),
                Builtin.of("json.match_schema",
                        func(args(DOC, DOC), tuple(B, arrayOf(record("desc", S, "error", S, "field", S, "type", S)))),
                        "Validates a document against a JSON Schema, returning [matches, errors]",
                        (ctx, a) -> {
                            try {
                                Value document = load(a.get(0));
                                JsonSchema schema = (JsonSchema) ctx.queryCache().get(new CacheKey(a.get(1)));
                                if (schema == null) {
                                    schema = JsonSchema.compile(load(a.get(1)));
                                    ctx.queryCache().put(new CacheKey(a.get(1)), schema);
                                }
                                List<Value> errors = new ArrayList<>();
                                for (ValidationError e : schema.validate(document)) errors.add(errorObject(e));
                                return ArrayValue.of(BoolValue.of(errors.isEmpty()), new ArrayValue(errors));
                            } catch (SchemaError e) {
                                throw BuiltinException.error(e.getMessage());
                            }
                        }));
    }

    /** JSON text is parsed; objects and arrays are taken as JSON (sets become arrays). */
    private static Value load(Value v) throws SchemaError {
        switch (v) {
            case StringValue s -> {
                try {
                    return Json.parse(s.value());
                } catch (Json.ParseException e) {
                    throw new SchemaError("invalid JSON string");
                }
            }
            case ObjectValue o -> {
                return asJson(o);
            }
            case ArrayValue arr -> {
                return asJson(arr);
            }
            default -> throw new SchemaError("wrong type, expected string or object");
        }
    }

    private static Value asJson(Value v) throws SchemaError {
        try {
            return Json.parse(Json.write(v));
        } catch (Json.ParseException e) {
            throw new SchemaError("value is not representable as JSON: " + e.getMessage());
        }
    }

    private static Value errorObject(ValidationError e) {
        TreeMap<Value, Value> m = new TreeMap<>();
        m.put(StringValue.of("error"), StringValue.of(e.error()));
        m.put(StringValue.of("type"), StringValue.of(e.type()));
        m.put(StringValue.of("field"), StringValue.of(e.field()));
        m.put(StringValue.of("desc"), StringValue.of(e.description()));
        return ObjectValue.wrap(m);
    }
}
