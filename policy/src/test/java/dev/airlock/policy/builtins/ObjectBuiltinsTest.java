package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ObjectBuiltinsTest {
    @Test
    void get() {
        expect("\"b\"", "object.get", "{\"a\":\"b\"}", "\"a\"", "\"c\"");
        expect("\"c\"", "object.get", "{\"a\":\"b\"}", "\"c\"", "\"c\"");
        expect("{\"a\":1}", "object.get", "{\"a\":1}", "[]", "2");
        expect("1", "object.get", "{\"a\":{\"b\":{\"c\":1}}}", "[\"a\",\"b\",\"c\"]", "2");
        expect("2", "object.get", "{\"a\":{\"b\":[1,2,3]}}", "[\"a\",\"b\",\"a\"]", "2");
        expect("1", "object.get", "{\"a\":{\"b\":[{\"c\":1}]}}", "[\"a\",\"b\",0,\"c\"]", "2");
        typeError("operand 1 must be object but got string", "object.get", "\"object\"", "[\"a\"]", "2");
    }

    @Test
    void keysRemoveFilter() {
        expectV(set("\"a\"", "\"b\""), "object.keys", json("{\"a\":1,\"b\":2}"));
        expect("{\"a\":1,\"e\":9}", "object.filter", "{\"a\":1,\"b\":2,\"c\":3,\"e\":9}", "[\"a\",\"e\"]");
        expect("{\"a\":1,\"e\":9}", "object.filter", "{\"a\":1,\"b\":2,\"c\":3,\"e\":9}", "{\"a\":\"foo\",\"e\":\"\"}");
        expect("{\"b\":2}", "object.remove", "{\"a\":1,\"b\":2}", "[\"a\"]");
        typeError("operand 2 must be one of {object, set, array} but got string", "object.remove", "{}", "\"a\"");
        typeError("operand 1 must be object but got null", "object.filter", "null", "[]");
    }

    @Test
    void union() {
        expect("{\"a\":{\"b\":\"foo\",\"b1\":\"bar\"},\"d\":7,\"e\":17}", "object.union",
                "{\"a\":{\"b\":{\"c\":1}},\"e\":1}", "{\"a\":{\"b\":\"foo\",\"b1\":\"bar\"},\"d\":7,\"e\":17}");
        expect("{\"a\":\"final A!\",\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"foo\":\"baz\"}", "object.union_n",
                "[{\"a\":1,\"b\":2,\"c\":3},{\"foo\":\"baz\",\"a\":\"a\",\"b\":2,\"d\":4},{\"a\":\"final A!\",\"e\":5.0}]");
        typeError("", "object.union_n", "[{\"foo\":1},\"baz\"]");
        typeError("operand 2 must be object but got array", "object.union", "{}", "[1]");
    }

    @Test
    void subset() {
        expect("true", "object.subset", "{\"a\":5,\"b\":7,\"n\":{\"x\":10,\"arr\":[6,7,8]}}", "{\"a\":5,\"n\":{\"arr\":[7,8]}}");
        expect("false", "object.subset", "{\"a\":5}", "{\"a\":5,\"b\":7}");
        expect("true", "object.subset", "[1,2,3,4,5,6]", "[3,4,5]");
        expect("false", "object.subset", "[1,2,3,4,5,6]", "[4,5,6,8]");
        expectV(BoolValue.TRUE, "object.subset", json("[1,2,3,4,5,6]"), set("4", "3", "2"));
        expectV(BoolValue.FALSE, "object.subset", set("1", "2", "3", "[\"a\"]"), set("3", "[\"b\"]"));
    }

    @Test
    void jsonFilterAndRemove() {
        expectV(json("{\"a\":{\"b\":{\"c\":7}},\"e\":9}"), "json.filter",
                json("{\"a\":{\"b\":{\"c\":7,\"d\":8}},\"e\":9}"), set("\"a/b/c\"", "\"e\""));
        expectV(json("{\"a\":{\"b\":7}}"), "json.filter", json("{\"a\":{\"b\":7}}"), set("\"a\"", "\"a/b\""));
        expectV(json("{\"a\":[{\"b\":7},{\"d\":9}]}"), "json.filter",
                json("{\"a\":[{\"b\":7,\"c\":8},{\"d\":9}]}"), set("\"a/0/b\"", "\"a/1\""));
        expectV(json("{\"a\":[{\"1\":[\"d\"]}]}"), "json.filter",
                json("{\"a\":[{\"1\":[\"b\",\"c\",\"d\"]},{\"x\":\"y\"}]}"), set("\"a/0/1/2\""));
        expectV(json("{\"a\":{\"b\":{\"c\":7,\"d\":8}}}"), "json.filter",
                json("{\"a\":{\"b\":{\"c\":7,\"d\":8,\"x\":0}},\"e\":9}"), set("\"a/b/d\"", "[\"a\",\"b\",\"c\"]"));
        expectV(json("{\"c\":1}"), "json.remove", json("{\"a\":{\"b\":7},\"c\":1}"), set("\"a\"", "\"a/b\""));
        expectV(json("{\"a\":{}}"), "json.remove", json("{\"a\":{\"b\":7},\"c\":1}"), set("\"a/b\"", "\"c\""));
        expectV(json("{\"a\":[{\"c\":8}]}"), "json.remove", json("{\"a\":[{\"b\":7,\"c\":8},{\"d\":9}]}"), set("\"a/0/b\"", "\"a/1\""));
        typeError("operand 1 must be object but got string", "json.remove", "\"foo\"", "[\"a/b/c\"]");
        typeError("operand 2 must be one of {set, array} but got string", "json.remove", "{}", "\"foo\"");
        typeError("operand 2 must be one of {set, array} containing string paths or array of path segments but got number",
                "json.remove", "{}", "[\"a\", 1]");
    }

    @Test
    void jsonPatchOnSets() throws BuiltinException {
        ObjectValue doc = ObjectValue.of("foo", set("\"a\"", "\"b\"", "\"c\""));
        Value removed = call("json.patch", doc, json("[{\"op\":\"remove\",\"path\":\"foo/b\"}]"));
        assertEquals(set("\"a\"", "\"c\""), ((ObjectValue) removed).get("foo"));
        Value added = call("json.patch", doc, json("[{\"op\":\"add\",\"path\":\"foo/d\",\"value\":\"d\"}]"));
        assertEquals(set("\"a\"", "\"b\"", "\"c\"", "\"d\""), ((ObjectValue) added).get("foo"));
        error(BuiltinException.Kind.BUILTIN, "", "json.patch", doc, json("[{\"op\":\"add\",\"path\":\"foo/d\",\"value\":\"e\"}]"));
        error(BuiltinException.Kind.BUILTIN, "", "json.patch", json("[1,2,3]"), json("[{\"op\":\"add\",\"path\":\"1.2\",\"value\":\"foo\"}]"));
        expectV(SetValue.of(json("[1,2]")), "json.patch", set("[1]"), json("[{\"op\":\"add\",\"path\":[[1],1],\"value\":2}]"));
    }

    /** Runs the JSON Patch test documents that ship inside the conformance suite's jsonpatch case. */
    @Test
    void jsonPatchConformanceDocuments() throws Exception {
        Path file = Path.of(System.getProperty("airlock.root", ".."), "..", "shared", "conformance", "opa-v1",
                "jsonpatch", "json-patch-tests.json");
        Assumptions.assumeTrue(Files.exists(file), "conformance suite not present");
        ObjectValue suite = (ObjectValue) json(Files.readString(file));
        ObjectValue first = (ObjectValue) ((ArrayValue) suite.get("cases")).get(0);
        List<Value> modules = ((ArrayValue) first.get("modules")).elements();
        int ran = 0;
        List<String> failures = new ArrayList<>();
        for (Value m : modules.subList(1, modules.size())) {
            String text = ((StringValue) m).value();
            String body = text.substring(text.indexOf("cases :=") + "cases :=".length())
                    .replaceAll("(?m)^\\s*#.*$", "")
                    .replaceAll(",(\\s*[}\\]])", "$1");
            for (Value c : ((ArrayValue) json(body)).elements()) {
                ObjectValue t = (ObjectValue) c;
                if (t.get("opa_disabled") != null) continue;
                ran++;
                Value result;
                try {
                    result = call("json.patch", t.get("doc"), t.get("patch"));
                } catch (BuiltinException e) {
                    result = null;
                }
                boolean ok;
                if (t.get("error") != null) ok = result == null;
                else if (t.get("expected") != null) ok = t.get("expected").equals(result);
                else ok = result != null;
                if (!ok) failures.add(t.get("comment") + " -> " + result);
            }
        }
        assertTrue(ran > 100, "ran " + ran);
        assertEquals(List.of(), failures);
    }
}
