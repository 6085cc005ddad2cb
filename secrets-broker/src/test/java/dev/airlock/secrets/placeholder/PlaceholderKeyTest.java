package dev.airlock.secrets.placeholder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaceholderKeyTest {
    @TempDir
    Path tmp;

    @Test
    void stableAcrossSeparatelyLoadedKeysOnTheSameStateDir() throws Exception {
        Path state = tmp.resolve("state");
        String first = PlaceholderKey.loadOrCreate(state).placeholderFor("OPENAI_API_KEY");
        String second = PlaceholderKey.loadOrCreate(state).placeholderFor("OPENAI_API_KEY");
        assertEquals(first, second);
        assertTrue(first.matches("airlock-ph-OPENAI_API_KEY-[a-z2-7]{26}"), first);
    }

    @Test
    void differentStateDirsAndNamesGiveDifferentPlaceholders() throws Exception {
        PlaceholderKey a = PlaceholderKey.loadOrCreate(tmp.resolve("a"));
        PlaceholderKey b = PlaceholderKey.loadOrCreate(tmp.resolve("b"));
        assertNotEquals(a.placeholderFor("TOKEN"), b.placeholderFor("TOKEN"));
        assertNotEquals(a.placeholderFor("TOKEN").substring(20), a.placeholderFor("TOKEN2").substring(21));
    }

    @Test
    void keyFileIsPrivate() throws Exception {
        Path state = tmp.resolve("state");
        PlaceholderKey.loadOrCreate(state);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
        Path key = state.resolve(PlaceholderKey.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).strip().matches("[0-9a-f]{64}"));
    }

    @Test
    void derivedFromTheKeyOnlyNeverFromAValue() {
        // Same key, same name: same placeholder, whatever the value (which is not an input at all).
        PlaceholderKey key = PlaceholderKey.of(new byte[32]);
        assertEquals("airlock-ph-A-", key.placeholderFor("A").substring(0, 13));
        assertEquals(key.placeholderFor("A"), PlaceholderKey.of(new byte[32]).placeholderFor("A"));
        assertFalse(key.placeholderFor("A").contains("sk-"));
    }

    @Test
    void corruptedOrOpenKeyFileIsAClearError() throws Exception {
        Path state = tmp.resolve("state");
        PlaceholderKey.loadOrCreate(state);
        Path key = state.resolve(PlaceholderKey.FILE_NAME);
        Files.writeString(key, "zz\n");
        IOException e = assertThrows(IOException.class, () -> PlaceholderKey.loadOrCreate(state));
        assertTrue(e.getMessage().contains(key + " is corrupted"), e.getMessage());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        e = assertThrows(IOException.class, () -> PlaceholderKey.loadOrCreate(state));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }
}
