package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import org.junit.jupiter.api.Test;

class EncodingBuiltinsTest {
    @Test
    void base64() throws BuiltinException {
        expect("\"aGVsbG8=\"", "base64.encode", "\"hello\"");
        expect("\"c3ViamVjdHM/X2Q=\"", "base64.encode", "\"subjects?_d\"");
        expect("\"subjects?_d\"", "base64.decode", "\"c3ViamVjdHM/X2Q=\"");
        expect("true", "base64.is_valid", "\"aGVsbG8=\"");
        expect("false", "base64.is_valid", "\"{'not':'base64'}\"");
        expect("false", "base64.is_valid", "\"aGVsbG8\"");
        builtinError("illegal base64 data at input byte 0", "base64.decode", "\"{'not':'base64'}\"");
        expect("\"aGVsbG8\"", "base64url.encode_no_pad", "\"hello\"");
        expect("\"hello\"", "base64url.decode", "\"aGVsbG8\"");
        expect("\"hello\"", "base64url.decode", "\"aGVsbG8=\"");
        // invalid UTF-8 decodes like Go: one replacement rune per bad byte
        Value s = call("base64.decode", str("2E84ZuPUd7zfvCZSNEchVpDEIj6PL7JfLpIqyxVG16k="));
        assertEquals(json("30"), call("count", s));
    }

    @Test
    void hex() {
        expect("\"6c6f72656d20697073756d\"", "hex.encode", "\"lorem ipsum\"");
        expect("\"lorem ipsum\"", "hex.decode", "\"6c6f72656d20697073756d\"");
        builtinError("invalid byte: U+0067 'g'", "hex.decode", "\"fghijkl\"");
        builtinError("odd length", "hex.decode", "\"abc\"");
    }

    @Test
    void urlquery() {
        expect("\"a%3Db%2B1\"", "urlquery.encode", "\"a=b+1\"");
        expect("\"a+b%C3%A5\"", "urlquery.encode", "\"a bå\"");
        expect("\"a=b+1\"", "urlquery.decode", "\"a%3Db%2B1\"");
        builtinError("invalid URL escape \"%zz\"", "urlquery.decode", "\"a%zz\"");
        expect("\"a=b&c=d\"", "urlquery.encode_object", "{\"c\":\"d\",\"a\":\"b\"}");
        expect("\"a=b%2B1&a=c%2B2\"", "urlquery.encode_object", "{\"a\":[\"b+1\",\"c+2\"]}");
        expect("{\"a\":[\"value_a1\",\"value_a2\"],\"b\":[\"value_b\"]}", "urlquery.decode_object", "\"a=value_a1&b=value_b&a=value_a2\"");
        expect("{\"a\":[\"value_a1\"],\"b\":[\"\"]}", "urlquery.decode_object", "\"a=value_a1&b\"");
        expect("{}", "urlquery.decode_object", "\"\"");
    }

    @Test
    void jsonText() throws BuiltinException {
        expectV(str("[{\"foo\":[1,2,3]}]"), "json.marshal", new ArrayValue(java.util.List.of(ObjectValue.of("foo", set("1", "2", "3")))));
        expect("\"[1234567890,2000000,1000000000]\"", "json.marshal", "[1234567890, 2e6, 1e9]");
        expect("\"\\\"\\\\u003c\\\"\"", "json.marshal", "\"<\"");
        expect("[{\"foo\":[1,2,3]}]", "json.unmarshal", "\"[{\\\"foo\\\":[1,2,3]}]\"");
        typeError("operand 1 must be string but got number", "json.unmarshal", "1");
        builtinError("", "json.unmarshal", "\"{\"");
        expect("false", "json.is_valid", "\"{\"");
        expect("false", "json.is_valid", "1");
        expect("true", "json.is_valid", "\"{\\\"json\\\": \\\"ok\\\"}\"");
    }

    @Test
    void marshalWithOptions() {
        String v = "[1234567890, 2000000, 1000000000]";
        expect("\"[\\n  1234567890,\\n  2000000,\\n  1000000000\\n]\"", "json.marshal_with_options", v, "{\"indent\":\"  \"}");
        expect("\"[1234567890,2000000,1000000000]\"", "json.marshal_with_options", v, "{}");
        expect("\"[\\n\\t1234567890,\\n\\t2000000,\\n\\t1000000000\\n]\"", "json.marshal_with_options", v, "{\"pretty\":true}");
        expect("\"[1234567890,2000000,1000000000]\"", "json.marshal_with_options", v, "{\"pretty\":false,\"prefix\":\"NO!\",\"indent\":\"BAD!\"}");
        expect("\"JSON => {\\nJSON => \\t\\\"bar\\\": \\\"baz\\\",\\nJSON => \\t\\\"foo\\\": \\\"bar\\\"\\nJSON => }\"",
                "json.marshal_with_options", "{\"foo\":\"bar\",\"bar\":\"baz\"}", "{\"prefix\":\"JSON => \"}");
        expect("\"---[]\"", "json.marshal_with_options", "[]", "{\"indent\":\"    \",\"prefix\":\"---\"}");
        typeError("object contained unknown key \"include_winning_lottery_numbers\"", "json.marshal_with_options", "[]",
                "{\"indent\":\"    \",\"include_winning_lottery_numbers\":true}");
    }

    @Test
    void yamlText() throws BuiltinException {
        Value doc = new ArrayValue(java.util.List.of(ObjectValue.of("foo", set("1", "2", "3"))));
        Value text = call("yaml.marshal", doc);
        assertEquals("- foo:\n  - 1\n  - 2\n  - 3\n", ((StringValue) text).value());
        assertEquals(json("[{\"foo\":[1,2,3]}]"), call("yaml.unmarshal", text));
        expect("{\"foo\":[{\"qux\":\"bar\"},{\"baz\":2}]}", "yaml.unmarshal", "\"foo:\\n   - qux: bar\\n   - baz: 2\"");
        expect("true", "yaml.is_valid", "\"{\\\"json\\\": \\\"ok\\\"}\"");
        expect("false", "yaml.is_valid", "\"foo:\\n   - qux: bar\\n   - baz: {\"");
        expect("false", "yaml.is_valid", "1");
        builtinError("yaml: line 1: did not find", "yaml.unmarshal", "\"[1,2,3\"");
    }
}
