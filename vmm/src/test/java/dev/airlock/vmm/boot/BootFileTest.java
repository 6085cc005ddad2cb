package dev.airlock.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootFileTest {

    @Test
    void theSameUnchangedFileIsReadOnceAndShared(@TempDir Path dir) throws Exception {
        Path kernel = dir.resolve("vmlinuz");
        Files.write(kernel, new byte[] {1, 2, 3, 4, 5});
        BootFile first = BootFile.read(kernel);
        BootFile again = BootFile.read(dir.resolve("./vmlinuz"));
        assertSame(first, again, "a second VM booting the same file gets the same bytes");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, first.bytes().toArray(ValueLayout.JAVA_BYTE));
        assertTrue(first.bytes().isReadOnly());
        assertTrue(first.bytes().isNative(), "outside the Java heap");
        assertThrows(IllegalArgumentException.class, () -> first.bytes().set(ValueLayout.JAVA_BYTE, 0, (byte) 9));

        Files.write(kernel, new byte[] {7, 7, 7});
        Files.setLastModifiedTime(kernel, FileTime.from(Instant.now().plusSeconds(5)));
        BootFile rebuilt = BootFile.read(kernel);
        assertNotSame(first, rebuilt, "a changed file is read again");
        assertArrayEquals(new byte[] {7, 7, 7}, rebuilt.bytes().toArray(ValueLayout.JAVA_BYTE));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, first.bytes().toArray(ValueLayout.JAVA_BYTE),
                "VMs still booting the old file keep its bytes");
    }
}
