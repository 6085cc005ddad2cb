package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GraphHttpBuiltinsTest {
    private static ObjectValue graph(Object... kv) {
        TreeMap<Value, Value> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(str((String) kv[i]), (Value) kv[i + 1]);
        return ObjectValue.wrap(m);
    }

    @Test
    void reachable() {
        expectV(SetValue.EMPTY, "graph.reachable", ObjectValue.EMPTY, set("\"a\""));
        ObjectValue components = graph("a", set("\"b\"", "\"c\""), "b", set("\"d\""), "c", set("\"d\""), "d", SetValue.EMPTY,
                "e", set("\"f\""), "f", set("\"e\""), "x", set("\"x\""));
        expectV(set("\"b\"", "\"d\"", "\"e\"", "\"f\""), "graph.reachable", components, set("\"b\"", "\"e\""));
        expectV(set("\"a\"", "\"b\"", "\"c\""), "graph.reachable", json("{\"a\":[\"b\"],\"b\":[\"c\"],\"c\":[\"a\"]}"), json("[\"a\"]"));
        expectV(set("\"a\""), "graph.reachable", json("{\"a\":null}"), json("[\"a\"]"));
        typeError("operand 1 must be object but got number", "graph.reachable", "1", "[1]");
        typeError("", "graph.reachable", "{\"a\":[]}", "\"a\"");
        expectV(set("[\"b\",\"d\"]", "[\"e\",\"f\"]"), "graph.reachable_paths", components, set("\"b\"", "\"e\""));
        expectV(set("[\"a\",\"b\",\"c\"]"), "graph.reachable_paths", json("{\"a\":[\"b\"],\"b\":[\"c\"],\"c\":[\"a\"]}"), json("[\"a\"]"));
        expectV(set("[\"a\",\"b\",\"c\"]", "[\"a\",\"c\"]"), "graph.reachable_paths", json("{\"a\":[\"b\",\"c\"],\"b\":[\"c\"],\"c\":[]}"), set("\"a\""));
        expectV(set("[\"a\",\"b\"]", "[\"b\"]"), "graph.reachable_paths", json("{\"a\":[\"b\"],\"b\":[\"nonexistent\"]}"), set("\"a\"", "\"b\""));
    }

    @Test
    void httpSendValidatesThenRefusesWithoutNetwork() {
        typeError("invalid request parameters(s): {\"bad_key\"}", "http.send", "{\"method\":\"get\",\"url\":\"http://127.0.0.1\",\"bad_key\":1}");
        typeError("missing required request parameters(s): {\"url\"}", "http.send", "{\"method\":\"get\"}");
        builtinError("http.send is disabled in airlock", "http.send", "{\"method\":\"get\",\"url\":\"http://127.0.0.1:9\"}");
        assertEquals(Set.of(Builtin.Flag.NETWORK), BuiltinRegistry.standard().get("http.send").flags());
    }

    /** With network builtins enabled, a request to a local server works (loopback only). */
    @Test
    void httpSendWhenEnabled() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = "{\"ok\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            BuiltinTesting.TestContext ctx = new BuiltinTesting.TestContext();
            ctx.network = true;
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/x";
            ObjectValue resp = (ObjectValue) callWith(ctx, "http.send", ObjectValue.wrap(new TreeMap<>(Map.of(
                    str("method"), str("GET"), str("url"), str(url)))));
            assertEquals(json("200"), resp.get("status_code"));
            assertEquals(json("{\"ok\":true}"), resp.get("body"));
        } finally {
            server.stop(0);
        }
    }

}
