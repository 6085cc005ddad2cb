package dev.airlock.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.ObjectValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadingEngineTest {
    @TempDir
    Path dir;

    private void write(Path f, String text, int secondsAhead) throws Exception {
        Files.writeString(f, text);
        // Make the change visible even on file systems with coarse timestamps.
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    @Test
    void editsAreAppliedAndBadEditsKeepThePreviousPolicy() throws Exception {
        Path policy = dir.resolve("p.rego");
        write(policy, "package t\n\nallow := true\n", 0);
        ReloadingEngine engine = ReloadingEngine.open(java.util.List.of(dir), java.util.List.of(), false);
        assertEquals(BoolValue.TRUE, engine.evaluate("t/allow", ObjectValue.EMPTY).result());
        String first = engine.revision();

        assertNull(engine.reloadIfChanged(), "nothing changed");
        assertEquals(first, engine.revision());

        write(policy, "package t\n\nallow := false\n", 5);
        assertNull(engine.reloadIfChanged());
        assertEquals(BoolValue.FALSE, engine.evaluate("t/allow", ObjectValue.EMPTY).result());
        String second = engine.revision();
        assertNotEquals(first, second);

        write(policy, "package t\n\nallow := \n", 10);
        String error = engine.reloadIfChanged();
        assertTrue(error != null && error.matches("(?s).*p\\.rego:\\d+:\\d+: rego_parse_error.*"), "the error names file, line and column: " + error);
        assertEquals(second, engine.revision(), "the previous policy stays in force");
        assertEquals(BoolValue.FALSE, engine.evaluate("t/allow", ObjectValue.EMPTY).result());
    }

    @Test
    void dataFilesAreWatchedToo() throws Exception {
        Files.writeString(dir.resolve("p.rego"), "package t\n\nlimit := data.cfg.limit\n");
        Path data = dir.resolve("extra.json");
        write(data, "{\"cfg\": {\"limit\": 1}}", 0);
        ReloadingEngine engine = ReloadingEngine.open(java.util.List.of(dir.resolve("p.rego")), java.util.List.of(data), false);
        assertEquals("1", engine.evaluate("t/limit", ObjectValue.EMPTY).result().toString());
        write(data, "{\"cfg\": {\"limit\": 2}}", 5);
        assertNull(engine.reloadIfChanged());
        assertEquals("2", engine.evaluate("t/limit", ObjectValue.EMPTY).result().toString());
    }
}
