package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import org.junit.jupiter.api.Test;

/** Units, semver, uuid and rand. */
class MiscBuiltinsTest {
    @Test
    void units() {
        expect("0.5", "units.parse", "\"500m\"");
        expect("0.5", "units.parse", "\"0.0005K\"");
        expect("1126.4", "units.parse", "\"1.1Ki\"");
        expect("200000000", "units.parse", "\"200M\"");
        expect("104857600", "units.parse", "\"100mi\"");
        expect("109951162777600", "units.parse", "\"\\\"100TI\\\"\"");
        expect("10000000000000000000", "units.parse", "\"10e\"");
        expect("2500000", "units.parse", "\"2.5e3K\"");
        expect("0.01", "units.parse", "\"1e-2\"");
        expect("-0.35", "units.parse", "\"-3.5E2m\"");
        expect("0", "units.parse", "\".0\"");
        builtinError("no amount provided", "units.parse", "\"G\"");
        builtinError("could not parse amount to a number", "units.parse", "\".5.2\"");
        builtinError("spaces not allowed in resource strings", "units.parse", "\" 327Mi \"");
        expect("1126", "units.parse_bytes", "\"1.1KiB\"");
        expect("10240", "units.parse_bytes", "\"10Kib\"");
        expect("10", "units.parse_bytes", "\"1e-2KB\"");
        expect("335544320", "units.parse_bytes", "\"3.2E2MiB\"");
        expect("11529215046068469760", "units.parse_bytes", "\"10eib\"");
        builtinError("no byte amount provided", "units.parse_bytes", "\"foo\"");
        builtinError("could not parse byte amount to a number", "units.parse_bytes", "\"0.0.0\"");
    }

    @Test
    void semver() {
        expect("-1", "semver.compare", "\"1.0.0\"", "\"2.0.0\"");
        expect("0", "semver.compare", "\"1.0.0+build\"", "\"1.0.0\"");
        expect("-1", "semver.compare", "\"1.0.0-alpha\"", "\"1.0.0\"");
        expect("-1", "semver.compare", "\"1.0.0-alpha.1\"", "\"1.0.0-alpha.beta\"");
        expect("1", "semver.compare", "\"1.0.0-rc.11\"", "\"1.0.0-rc.2\"");
        builtinError("operand 1: string \"1\" is not a valid SemVer", "semver.compare", "\"1\"", "\"1.0.0\"");
        builtinError("operand 2: string \"1\" is not a valid SemVer", "semver.compare", "\"1.0.0\"", "\"1\"");
        expect("true", "semver.is_valid", "\"1.0.0\"");
        expect("false", "semver.is_valid", "\"1\"");
        expect("false", "semver.is_valid", "1");
    }

    @Test
    void uuids() throws BuiltinException {
        expect("{\"variant\":\"RFC4122\",\"version\":4}", "uuid.parse", "\"{00000000-0000-4000-8000-000000000000}\"");
        expect("{\"variant\":\"RFC4122\",\"version\":3}", "uuid.parse", "\"6bea8ef2d3d33cd184e09bab06a52ece\"");
        expect("{\"clocksequence\":12800,\"domain\":\"Person\",\"id\":1000,\"macvariables\":\"local:unicast\","
                + "\"nodeid\":\"32-50-96-b3-9f-47\",\"time\":1693566990121469600,\"variant\":\"RFC4122\",\"version\":2}",
                "uuid.parse", "\"urn:uuid:000003e8-48b9-21ee-b200-325096b39f47\"");
        undefined("uuid.parse", "\"not-a-uuid\"");
        BuiltinTesting.TestContext ctx = new BuiltinTesting.TestContext();
        Value a = callWith(ctx, "uuid.rfc4122", str("key"));
        assertEquals(a, callWith(ctx, "uuid.rfc4122", str("key")));
        assertNotEquals(a, callWith(ctx, "uuid.rfc4122", str("other")));
        assertTrue(((StringValue) a).value().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    @Test
    void rand() throws BuiltinException {
        BuiltinTesting.TestContext ctx = new BuiltinTesting.TestContext();
        Value r = callWith(ctx, "rand.intn", str("key"), NumberValue.of(100));
        assertEquals(r, callWith(ctx, "rand.intn", str("key"), NumberValue.of(100)));
        long v = ((NumberValue) r).toLongExact();
        assertTrue(v >= 0 && v < 100);
        assertEquals(NumberValue.ZERO, callWith(ctx, "rand.intn", str("key"), NumberValue.ZERO));
    }
}
