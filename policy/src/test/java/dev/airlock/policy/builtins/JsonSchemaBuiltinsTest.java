package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.policy.value.Value;
import org.junit.jupiter.api.Test;

class JsonSchemaBuiltinsTest {
    private static final String PERSON = """
            {"type": "object", "required": ["name"], "additionalProperties": false,
             "definitions": {"tag": {"type": "string", "minLength": 2}},
             "properties": {"name": {"type": "string", "pattern": "^[A-Z]"},
                            "age": {"type": "integer", "minimum": 0, "exclusiveMaximum": 150},
                            "tags": {"type": "array", "items": {"$ref": "#/definitions/tag"}, "uniqueItems": true},
                            "kind": {"enum": ["a", "b"]},
                            "v": {"const": 1}}}
            """;

    private static Value err(String field, String type, String desc) {
        return json("{\"error\": " + dev.airlock.policy.value.Json.quote(field + ": " + desc) + ", \"field\": \""
                + field + "\", \"type\": \"" + type + "\", \"desc\": " + dev.airlock.policy.value.Json.quote(desc) + "}");
    }

    /** Checks the call with values, and with JSON text, as arguments. */
    private static void matches(String document, String schema, Value... errors) {
        check(true, document, schema, errors);
    }

    /** Scalar documents and boolean schemas can only be passed as JSON text. */
    private static void matchesText(String document, String schema, Value... errors) {
        check(false, document, schema, errors);
    }

    private static void check(boolean asValues, String document, String schema, Value... errors) {
        Value expected = json("[" + (errors.length == 0) + ", []]");
        if (errors.length > 0) {
            expected = new dev.airlock.policy.value.ArrayValue(java.util.List.of(json("false"),
                    new dev.airlock.policy.value.ArrayValue(java.util.List.of(errors))));
        }
        try {
            if (asValues) assertEquals(expected, call("json.match_schema", json(document), json(schema)));
            assertEquals(expected, call("json.match_schema", str(document), str(schema)));
        } catch (BuiltinException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void verifySchema() {
        expect("[true, null]", "json.verify_schema", "{\"type\": \"boolean\"}");
        expect("[true, null]", "json.verify_schema", "\"{}\"");
        expect("[true, null]", "json.verify_schema", PERSON);
        expect("[false, \"jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values"
                + " are:[array boolean integer number null object string]\"]", "json.verify_schema", "{\"type\": \"unknown_type\"}");
        expect("[false, \"jsonschema: invalid JSON string\"]", "json.verify_schema", "\"{ \\\"a\\\": \"");
        expect("[false, \"jsonschema: pattern must be a valid regex\"]", "json.verify_schema", "{\"pattern\": \"^(?!x)\"}");
        expect("[false, \"jsonschema: minLength must be greater than or equal to 0\"]", "json.verify_schema",
                "{\"minLength\": -1}");
        expect("[false, \"jsonschema: required items must be unique\"]", "json.verify_schema", "{\"required\": [\"a\", \"a\"]}");
        expect("[false, \"jsonschema: Could not load remote reference http://x/y: remote references are not allowed\"]",
                "json.verify_schema", "{\"$ref\": \"http://x/y\"}");
        expect("[false, \"jsonschema: wrong type, expected string or object\"]", "json.verify_schema", "7");
    }

    @Test
    void matchReportsGojsonschemaErrors() {
        matches("{\"name\": \"Ann\", \"age\": 3, \"tags\": [\"ab\", \"cd\"], \"kind\": \"a\", \"v\": 1.0}", PERSON);
        matches("{\"id\": \"foo\"}", "{\"properties\": {\"id\": {\"type\": \"integer\"}}, \"required\": [\"id\"]}",
                err("id", "invalid_type", "Invalid type. Expected: integer, given: string"));
        matches("{\"age\": 150, \"x\": 1}", PERSON,
                err("(root)", "required", "name is required"),
                err("(root)", "additional_property_not_allowed", "Additional property x is not allowed"),
                err("age", "number_lt", "Must be less than 150"));
        matches("{\"name\": \"ann\", \"age\": 2.5, \"tags\": [\"a\", \"bb\", \"bb\"], \"kind\": \"c\", \"v\": 2}", PERSON,
                err("age", "invalid_type", "Invalid type. Expected: integer, given: number"),
                err("kind", "enum", "kind must be one of the following: \"a\", \"b\""),
                err("name", "pattern", "Does not match pattern '^[A-Z]'"),
                err("tags.0", "string_gte", "String length must be greater than or equal to 2"),
                err("tags", "unique", "array items[1,2] must be unique"),
                err("v", "const", "v does not match: 1"));
        matchesText("5", "{\"anyOf\": [{\"type\": \"string\"}, {\"minimum\": 10}]}",
                err("(root)", "number_any_of", "Must validate at least one schema (anyOf)"),
                err("(root)", "number_gte", "Must be greater than or equal to 10"));
        matchesText("[1]", "false", err("(root)", "false", "False always fails validation"));
    }

    @Test
    void badSchemasAndDocumentsAreBuiltinErrors() {
        builtinError("has a primitive type that is NOT VALID -- given: /unknown/", "json.match_schema", "{}",
                "{\"properties\": {\"id\": {\"type\": \"unknown\"}}}");
        builtinError("invalid JSON string", "json.match_schema", "\"{\"", "{}");
        builtinError("wrong type, expected string or object", "json.match_schema", "{}", "true");
    }

    @Test
    void recursionIsBounded() {
        expect("[true, null]", "json.verify_schema", "{\"$ref\": \"#\"}");
        builtinError("schema recursion is too deep", "json.match_schema", "{}", "{\"$ref\": \"#\"}");
        builtinError("schema recursion is too deep", "json.match_schema", "{}", "{\"allOf\": [{\"$ref\": \"#\"}]}");
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 900; i++) deep.append("{\"not\": ");
        deep.append("{}").append("}".repeat(900));
        expect("[true, null]", "json.verify_schema", deep.toString());
        matches("{\"a\": {\"a\": {}}}", "{\"properties\": {\"a\": {\"$ref\": \"#\"}}}");
        String recursive = "{\"type\": \"array\", \"items\": {\"$ref\": \"#\"}}";
        matches("[".repeat(200) + "]".repeat(200), recursive);
        builtinError("schema recursion is too deep", "json.match_schema", "[".repeat(900) + "]".repeat(900), recursive);
        builtinError("invalid JSON string", "json.match_schema", "\"" + "[".repeat(5000) + "]".repeat(5000) + "\"", recursive);
        matches("[".repeat(900) + "]".repeat(900), "{\"type\": \"array\"}");
    }
}
