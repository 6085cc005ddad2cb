package dev.airlock.policy.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Calls builtins from the standard registry with JSON-written arguments. */
final class BuiltinTesting {
    private BuiltinTesting() {}

    /** 2021-07-06T09:30:00Z, a fixed query time. */
    static final long QUERY_TIME = 1_625_563_800_000_000_000L;

    static final class TestContext implements BuiltinContext {
        final Map<Object, Object> cache = new HashMap<>();
        final List<String> printed = new ArrayList<>();
        boolean network;
        long time = QUERY_TIME;

        @Override public long queryTimeNanos() { return time; }
        @Override public boolean strictBuiltinErrors() { return true; }
        @Override public boolean networkEnabled() { return network; }
        @Override public Value runtime() { return NullValue.NULL; }
        @Override public void print(String line) { printed.add(line); }
        @Override public Map<Object, Object> queryCache() { return cache; }
    }

    static Value json(String text) {
        try {
            return Json.parse(text);
        } catch (Json.ParseException e) {
            throw new AssertionError("bad test JSON: " + text, e);
        }
    }

    static Value str(String s) {
        return StringValue.of(s);
    }

    static SetValue set(String... jsonElements) {
        List<Value> xs = new ArrayList<>();
        for (String e : jsonElements) xs.add(json(e));
        return SetValue.of(xs);
    }

    static Value callWith(BuiltinContext ctx, String name, Value... args) throws BuiltinException {
        Builtin b = BuiltinRegistry.standard().get(name);
        assertNotNull(b, "no builtin " + name);
        return b.impl().call(ctx, List.of(args));
    }

    static Value call(String name, Value... args) throws BuiltinException {
        return callWith(new TestContext(), name, args);
    }

    /** Calls with JSON arguments. */
    static Value callJ(String name, String... jsonArgs) throws BuiltinException {
        Value[] vs = new Value[jsonArgs.length];
        for (int i = 0; i < jsonArgs.length; i++) vs[i] = json(jsonArgs[i]);
        return call(name, vs);
    }

    /** Asserts the call's result equals the JSON-written expectation. */
    static void expect(String expectedJson, String name, String... jsonArgs) {
        try {
            assertEquals(json(expectedJson), callJ(name, jsonArgs), name + jsonArgs.length);
        } catch (BuiltinException e) {
            throw new AssertionError(name + " failed: " + e.getMessage(), e);
        }
    }

    static void expectV(Value expected, String name, Value... args) {
        try {
            assertEquals(expected, call(name, args), name);
        } catch (BuiltinException e) {
            throw new AssertionError(name + " failed: " + e.getMessage(), e);
        }
    }

    /** Asserts the call is undefined (returns null). */
    static void undefined(String name, String... jsonArgs) {
        try {
            Value v = callJ(name, jsonArgs);
            assertEquals(null, v, name + " should be undefined");
        } catch (BuiltinException e) {
            throw new AssertionError(name + " failed: " + e.getMessage(), e);
        }
    }

    static BuiltinException error(BuiltinException.Kind kind, String messagePart, String name, Value... args) {
        BuiltinException e = assertThrows(BuiltinException.class, () -> call(name, args));
        assertEquals(kind, e.kind(), "kind of: " + e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
        return e;
    }

    static void typeError(String messagePart, String name, String... jsonArgs) {
        Value[] vs = new Value[jsonArgs.length];
        for (int i = 0; i < jsonArgs.length; i++) vs[i] = json(jsonArgs[i]);
        error(BuiltinException.Kind.TYPE, messagePart, name, vs);
    }

    static void builtinError(String messagePart, String name, String... jsonArgs) {
        Value[] vs = new Value[jsonArgs.length];
        for (int i = 0; i < jsonArgs.length; i++) vs[i] = json(jsonArgs[i]);
        error(BuiltinException.Kind.BUILTIN, messagePart, name, vs);
    }
}
