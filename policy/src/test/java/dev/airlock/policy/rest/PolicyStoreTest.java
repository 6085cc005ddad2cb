package dev.airlock.policy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import org.junit.jupiter.api.Test;

class PolicyStoreTest {
    @Test
    void evaluatesTheLoadedPolicy() {
        PolicyStore store = PolicyStore.load(Fixtures.modules(), Fixtures.data());
        ObjectValue allowed = (ObjectValue) store.evaluate("airlock/egress/decision", Fixtures.input("github.com")).result();
        assertEquals(StringValue.of("allowlisted"), allowed.get("reason"));
        ObjectValue denied = (ObjectValue) store.evaluate("airlock.egress.decision", Fixtures.input("evil.example")).result();
        assertEquals(StringValue.of("host not in allowlist"), denied.get("reason"));
        assertEquals(StringValue.of("api.openai.com"), store.evaluate("airlock/egress/first_host", null).result());
        assertFalse(store.evaluate("airlock/egress/nothing_here", null).defined());
    }

    @Test
    void putSwapsPolicyAndRevisionOnlyWhenItCompiles() {
        PolicyStore store = PolicyStore.load(Fixtures.modules(), Fixtures.data());
        String before = store.revision();
        RegoException e = assertThrows(RegoException.class, () -> store.put(Fixtures.EGRESS_ID, "package airlock.egress\n\ndecision := {"));
        assertEquals("rego_parse_error", e.code());
        assertEquals(before, store.revision(), "a module that does not compile changes nothing");
        assertEquals(Fixtures.EGRESS, store.modules().get(Fixtures.EGRESS_ID));

        store.put(Fixtures.EGRESS_ID, Fixtures.EGRESS_LOCKDOWN);
        assertNotEquals(before, store.revision());
        ObjectValue d = (ObjectValue) store.evaluate("airlock/egress/decision", Fixtures.input("github.com")).result();
        assertEquals(StringValue.of("lockdown"), d.get("reason"));
        assertEquals(store.revision(), store.evaluate("airlock/egress/decision", null).revision());
    }

    @Test
    void deleteRemovesOrReportsAbsence() {
        PolicyStore store = PolicyStore.load(Fixtures.modules(), Fixtures.data());
        assertFalse(store.delete("nope.rego"));
        assertTrue(store.delete(Fixtures.EGRESS_ID));
        assertTrue(store.modules().isEmpty());
        assertFalse(store.evaluate("airlock/egress/decision", Fixtures.input("github.com")).defined());
    }
}
