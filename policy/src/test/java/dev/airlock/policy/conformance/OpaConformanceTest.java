package dev.airlock.policy.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.airlock.policy.builtins.BuiltinRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole OPA v1 conformance suite from {@code ../shared/conformance/opa-v1}. The
 * floor only goes up; every case passes now, so any regression fails the build.
 */
class OpaConformanceTest {
    /** Cases that must pass: the whole suite passes, so any regression fails the build. */
    private static final int FLOOR = 2067;

    @Test
    void suitePassesAtLeastTheFloor() throws IOException {
        String root = System.getProperty("airlock.root");
        if (root == null) fail("system property airlock.root is not set (the parent pom sets it for surefire)");
        Path suite = Path.of(root).resolve("../shared/conformance/opa-v1").normalize();
        if (!Files.isDirectory(suite)) {
            fail("the OPA conformance suite is a required input and is missing at " + suite
                    + " (see shared/conformance/README.md)");
        }
        ConformanceReport r = ConformanceReport.run(suite, BuiltinRegistry.standard());
        System.out.println(r.summaryLine());
        assertTrue(r.results().size() >= 2000, "suite looks truncated: " + r.results().size() + " cases");
        assertTrue(r.passed() >= FLOOR, r.summaryLine() + " (floor " + FLOOR + ")");
    }
}
