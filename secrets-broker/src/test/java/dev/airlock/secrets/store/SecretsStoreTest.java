package dev.airlock.secrets.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.secrets.config.SecretsFileException;
import dev.airlock.secrets.placeholder.PlaceholderKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsStoreTest {
    @TempDir
    Path tmp;

    private static final String FILE = """
            secrets:
              - name: OPENAI_API_KEY
                from_env: OPENAI_API_KEY
                hosts: ["api.openai.com"]
                placements: [header]
              - name: GH_TOKEN
                from_file: gh.txt
                hosts: ["api.github.com"]
                placements: [header, basic]
            """;
    private static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", "sk-test-0123456789");

    private SecretsStore open(Path state) throws Exception {
        return SecretsStore.open(tmp.resolve("secrets.yaml"), PlaceholderKey.loadOrCreate(state), ENV::get, InstantSource.system());
    }

    private void writeFiles() throws Exception {
        Files.writeString(tmp.resolve("secrets.yaml"), FILE);
        Files.writeString(tmp.resolve("gh.txt"), "ghp_abcdefghijklmnop\n");
    }

    @Test
    void loadsValuesFromEnvAndFile() throws Exception {
        writeFiles();
        SecretsSnapshot snap = open(tmp.resolve("state")).current();
        assertEquals(java.util.List.of("OPENAI_API_KEY", "GH_TOKEN"), snap.names());
        assertEquals("ghp_abcdefghijklmnop", new String(snap.secrets().get(1).value(), StandardCharsets.UTF_8), "trailing newline dropped");
        assertFalse(snap.secrets().get(0).toString().contains("sk-test"), "toString never shows the value");
        byte[] redacted = snap.redaction().redact("echo sk-test-0123456789".getBytes(StandardCharsets.UTF_8));
        assertEquals("echo ******************", new String(redacted, StandardCharsets.UTF_8));
    }

    @Test
    void placeholdersAreStableAcrossStoresOnTheSameStateDirAndDifferOnAnother() throws Exception {
        writeFiles();
        Map<String, String> a = open(tmp.resolve("state")).current().placeholders();
        Map<String, String> b = open(tmp.resolve("state")).current().placeholders();
        Map<String, String> c = open(tmp.resolve("other-state")).current().placeholders();
        assertEquals(a, b);
        assertNotEquals(a.get("OPENAI_API_KEY"), c.get("OPENAI_API_KEY"));
        for (String ph : a.values()) {
            assertFalse(ph.contains("sk-test") || ph.contains("ghp_"), ph);
        }
    }

    @Test
    void missingEnvironmentVariableAndFileAreClearErrors() throws Exception {
        writeFiles();
        Files.delete(tmp.resolve("gh.txt"));
        SecretsFileException e = assertThrows(SecretsFileException.class,
                () -> SecretsStore.open(tmp.resolve("secrets.yaml"), PlaceholderKey.of(new byte[32]), k -> null, InstantSource.system()));
        assertEquals(2, e.errors().size(), e.getMessage());
        assertEquals(tmp.resolve("secrets.yaml") + ":2:5: secrets[0] (OPENAI_API_KEY) from_env: environment variable OPENAI_API_KEY is not set in airlock's environment",
                e.errors().get(0).toString());
        assertTrue(e.errors().get(1).toString().endsWith("secrets[1] (GH_TOKEN) from_file: file " + tmp.resolve("gh.txt") + " does not exist"),
                e.errors().get(1).toString());
    }

    @Test
    void unsafeValuesAreRefusedWithoutEchoingThem() throws Exception {
        writeFiles();
        Files.writeString(tmp.resolve("gh.txt"), "short");
        SecretsFileException e = assertThrows(SecretsFileException.class, () -> open(tmp.resolve("state")));
        assertTrue(e.getMessage().contains("the value is only 5 bytes"), e.getMessage());
        Files.writeString(tmp.resolve("gh.txt"), "line-one-secret\r\nX-Injected: yes");
        e = assertThrows(SecretsFileException.class, () -> open(tmp.resolve("state")));
        assertTrue(e.getMessage().contains("control or non-ASCII byte"), e.getMessage());
        assertFalse(e.getMessage().contains("line-one-secret"));
    }

    @Test
    void badReloadKeepsTheOldSnapshotInForce() throws Exception {
        writeFiles();
        SecretsStore store = open(tmp.resolve("state"));
        SecretsSnapshot before = store.current();
        Files.writeString(tmp.resolve("secrets.yaml"), FILE.replace("placements: [header]\n  - name: GH_TOKEN", "placement: [header]\n  - name: GH_TOKEN"));
        ReloadResult.Failed failed = assertInstanceOf(ReloadResult.Failed.class, store.reload());
        assertTrue(failed.error().getMessage().contains("unknown field; did you mean 'placements'?"), failed.error().getMessage());
        assertSame(before, store.current());
        assertSame(before, failed.inForce());
    }

    @Test
    void goodReloadSwapsAndUnchangedFileIsANoOp() throws Exception {
        writeFiles();
        SecretsStore store = open(tmp.resolve("state"));
        SecretsSnapshot before = store.current();
        assertInstanceOf(ReloadResult.Unchanged.class, store.reloadIfChanged());
        assertSame(before, store.current());
        Files.writeString(tmp.resolve("secrets.yaml"), FILE.replace("api.github.com", "uploads.github.com"));
        ReloadResult r = store.reloadIfChanged();
        assertInstanceOf(ReloadResult.Reloaded.class, r);
        assertNotEquals(before, store.current());
        assertEquals("[uploads.github.com]", store.current().secrets().get(1).scope().hosts().toString());
        assertEquals(before.placeholders(), store.current().placeholders(), "same names, same placeholders after reload");
    }

    @Test
    void deletedFileOnReloadKeepsTheOldOne() throws Exception {
        writeFiles();
        SecretsStore store = open(tmp.resolve("state"));
        SecretsSnapshot before = store.current();
        Files.delete(tmp.resolve("secrets.yaml"));
        ReloadResult.Failed failed = assertInstanceOf(ReloadResult.Failed.class, store.reloadIfChanged());
        assertTrue(failed.error().getMessage().endsWith("the secrets file does not exist"));
        assertSame(before, store.current());
    }
}
