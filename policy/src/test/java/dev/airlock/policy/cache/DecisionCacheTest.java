package dev.airlock.policy.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.Decision;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.rest.PolicyStore;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decision cache over the real embedded engine (through a PolicyStore whose policy can change). */
class DecisionCacheTest {
    private static final String PATH = "egress/decision";
    private static final String POLICY = """
            package egress

            decision := {"allow": true, "host": input.host} if input.host in data.allowed

            conflict := 1 if input.x
            conflict := 2 if input.x
            """;
    /** Decisions that read the clock, directly or through a function. */
    private static final String TIME_POLICY = """
            package clock

            stamped := {"allow": true, "at": time.now_ns()}

            fresh := {"allow": recent(input.issued)}

            recent(t) := time.now_ns() - t < 60000000000
            """;

    private PolicyStore store;
    /** Counts the evaluations that reach the engine, to show which lookups the cache answered. */
    private Counting engine;
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private static final class Counting implements PolicyEngine {
        final PolicyEngine inner;
        final AtomicInteger evaluations = new AtomicInteger();

        Counting(PolicyEngine inner) {
            this.inner = inner;
        }

        @Override
        public Decision evaluate(String path, Value input) {
            evaluations.incrementAndGet();
            return inner.evaluate(path, input);
        }

        @Override
        public List<Map<String, Value>> query(String rego, Value input) {
            return inner.query(rego, input);
        }

        @Override
        public String revision() {
            return inner.revision();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        store = PolicyStore.load(Map.of("egress.rego", POLICY, "clock.rego", TIME_POLICY), Json.parse("{\"allowed\": [\"a.example\", \"b.example\", \"c.example\"]}"));
        engine = new Counting(store);
    }

    private DecisionCache cache(CacheOptions options) {
        return new DecisionCache(engine, options.withClock(clock::get));
    }

    private static Value json(String text) throws Json.ParseException {
        return Json.parse(text);
    }

    private static Value host(String h) {
        return ObjectValue.of("host", StringValue.of(h));
    }

    @Test
    void equalInputsHitWhateverTheirKeyOrder() throws Exception {
        DecisionCache c = cache(CacheOptions.DEFAULT);
        Decision first = c.evaluate(PATH, json("{\"host\": \"a.example\", \"port\": 443}"));
        Decision second = c.evaluate(PATH, json("{\"port\": 443, \"host\": \"a.example\"}"));
        assertEquals(1, engine.evaluations.get());
        assertEquals(1, c.hits());
        assertEquals(1, c.misses());
        assertEquals(first.result(), second.result());
        assertEquals(first.revision(), second.revision());

        c.evaluate(PATH, json("{\"host\": \"a.example\", \"port\": 80}"));
        c.evaluate("egress", json("{\"host\": \"a.example\", \"port\": 443}"));
        assertEquals(3, engine.evaluations.get(), "other input, other path: misses");
        assertEquals(new CacheStats(1, 3, 0, 0, 0, 3), c.stats());
        assertEquals(0.25, c.stats().hitRate());
    }

    @Test
    void undefinedDecisionsAndErrorsAreNeverCached() {
        DecisionCache c = cache(CacheOptions.DEFAULT);
        assertFalse(c.evaluate(PATH, host("evil.example")).defined());
        assertFalse(c.evaluate(PATH, host("evil.example")).defined());
        Value x = ObjectValue.of("x", dev.airlock.policy.value.BoolValue.TRUE);
        assertThrows(RegoException.class, () -> c.evaluate("egress/conflict", x));
        assertThrows(RegoException.class, () -> c.evaluate("egress/conflict", x));
        assertEquals(4, engine.evaluations.get());
        assertEquals(0, c.hits());
        assertEquals(0, c.stats().size());
    }

    @Test
    void entriesExpireAfterTheTtl() {
        DecisionCache c = cache(CacheOptions.DEFAULT.withTtl(Duration.ofSeconds(10)));
        c.evaluate(PATH, host("a.example"));
        clock.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        c.evaluate(PATH, host("a.example"));
        assertEquals(1, c.hits(), "still fresh just before the TTL");
        clock.addAndGet(2);
        c.evaluate(PATH, host("a.example"));
        assertEquals(2, c.misses(), "expired at the TTL");
        assertEquals(2, engine.evaluations.get());
    }

    @Test
    void sizeIsBounded() {
        DecisionCache c = cache(CacheOptions.DEFAULT.withMaxEntries(2));
        for (int i = 0; i < 20; i++) {
            c.evaluate(PATH, ObjectValue.of(Map.of(StringValue.of("host"), StringValue.of("a.example"),
                    StringValue.of("n"), dev.airlock.policy.value.NumberValue.of(i))));
        }
        CacheStats s = c.stats();
        assertTrue(s.size() <= 2, "size " + s.size());
        assertEquals(20 - s.size(), s.evictions());
    }

    @Test
    void policyRevisionChangeInvalidates() {
        DecisionCache c = cache(CacheOptions.DEFAULT);
        c.evaluate(PATH, host("a.example"));
        c.evaluate(PATH, host("a.example"));
        assertEquals(1, c.hits());
        String before = c.revision();

        store.put("egress.rego", POLICY.replace("\"allow\": true", "\"allow\": false"));
        Decision after = c.evaluate(PATH, host("a.example"));
        assertEquals(dev.airlock.policy.value.BoolValue.FALSE, ((ObjectValue) after.result()).get("allow"));
        assertTrue(!before.equals(after.revision()));
        assertEquals(2, engine.evaluations.get(), "the new policy was asked");
        CacheStats s = c.stats();
        assertEquals(1, s.invalidations());
        assertEquals(1, s.size(), "the old revision's entry is gone, the new one is cached");
        c.evaluate(PATH, host("a.example"));
        assertEquals(2, c.hits());
    }

    @Test
    void explicitInvalidateDropsEverything() {
        DecisionCache c = cache(CacheOptions.DEFAULT);
        c.evaluate(PATH, host("a.example"));
        c.evaluate(PATH, host("b.example"));
        c.invalidate();
        assertEquals(0, c.stats().size());
        c.evaluate(PATH, host("a.example"));
        assertEquals(3, engine.evaluations.get());
        assertEquals(0, c.hits());
    }

    @Test
    void decisionsOfAPolicyReadingTheClockAreNeverCached() {
        DecisionCache c = cache(CacheOptions.DEFAULT);
        Decision first = c.evaluate("clock/stamped", host("a.example"));
        Decision second = c.evaluate("clock/stamped", host("a.example"));
        assertEquals(2, engine.evaluations.get(), "both evaluations reached the engine");
        assertFalse(first.deterministic());
        assertFalse(second.deterministic());

        c.evaluate(PATH, host("a.example"));
        c.evaluate(PATH, host("a.example"));
        assertEquals(3, engine.evaluations.get(), "the deterministic path next to it is cached");
        assertEquals(new CacheStats(1, 1, 2, 0, 0, 1), c.stats());
    }

    @Test
    void aClockReadOnlyThroughAFunctionCounts() throws Exception {
        DecisionCache c = cache(CacheOptions.DEFAULT);
        Value input = json("{\"issued\": 0}");
        for (int i = 0; i < 3; i++) c.evaluate("clock/fresh", input);
        assertEquals(3, engine.evaluations.get());
        assertEquals(3, c.uncacheable());
        assertEquals(0, c.hits());
        assertEquals(0, c.stats().size());
    }

    @Test
    void aPathIsCachedAgainOnceANewRevisionStopsReadingTheClock() {
        DecisionCache c = cache(CacheOptions.DEFAULT);
        c.evaluate("clock/stamped", host("a.example"));
        c.evaluate("clock/stamped", host("a.example"));
        store.put("clock.rego", TIME_POLICY.replace("\"at\": time.now_ns()", "\"at\": 0"));
        c.evaluate("clock/stamped", host("a.example"));
        c.evaluate("clock/stamped", host("a.example"));
        assertEquals(3, engine.evaluations.get(), "two under the clock, then one miss and one hit");
        assertEquals(1, c.hits());

        store.put("clock.rego", TIME_POLICY);
        c.evaluate("clock/stamped", host("a.example"));
        c.evaluate("clock/stamped", host("a.example"));
        assertEquals(5, engine.evaluations.get(), "reading the clock again: nothing cached");
    }

    @Test
    void hitsCarryNoOpaDecisionIdAndOversizedInputsAreNotKept() {
        DecisionCache c = cache(CacheOptions.DEFAULT.withMaxInputChars(40));
        Decision miss = c.evaluate(PATH, host("a.example"));
        Decision hit = c.evaluate(PATH, host("a.example"));
        assertSame(miss.result(), hit.result());
        assertNull(hit.decisionId());

        Value big = ObjectValue.of(Map.of(StringValue.of("host"), StringValue.of("a.example"),
                StringValue.of("pad"), StringValue.of("x".repeat(100))));
        c.evaluate(PATH, big);
        c.evaluate(PATH, big);
        assertEquals(3, engine.evaluations.get(), "inputs over maxInputChars always go to the engine");
        assertEquals(2, c.uncacheable());
    }
}
