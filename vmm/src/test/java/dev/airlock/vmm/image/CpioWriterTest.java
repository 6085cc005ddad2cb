package dev.airlock.vmm.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.testing.Toolchain;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioWriterTest {

    private static byte[] archive() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(b, 1_700_000_000L)) {
            w.directory("etc", 0755);
            w.file("etc/hostname", 0644, "airlock\n".getBytes());
            w.directory("bin", 0755);
            w.file("bin/init", 0755, "#!/bin/sh\necho hi\n".getBytes());
            w.symlink("init", "bin/init");
            w.file("empty", 0600, new byte[0]);
        }
        return b.toByteArray();
    }

    @Test
    void gnuCpioListsAndExtractsTheArchive(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("cpio");
        byte[] a = archive();
        Path file = dir.resolve("initrd.cpio");
        Files.write(file, a);
        Process list = new ProcessBuilder("cpio", "-t", "--quiet", "-F", file.toString()).redirectErrorStream(true).start();
        String names = new String(list.getInputStream().readAllBytes());
        assertEquals(0, list.waitFor());
        assertEquals(List.of("etc", "etc/hostname", "bin", "bin/init", "init", "empty"), List.of(names.trim().split("\n")));

        Path out = Files.createDirectory(dir.resolve("out"));
        Process extract = new ProcessBuilder("cpio", "-i", "--quiet", "-d", "-m", "--no-absolute-filenames", "-F", file.toString())
                .directory(out.toFile()).redirectErrorStream(true).start();
        String err = new String(extract.getInputStream().readAllBytes());
        assertEquals(0, extract.waitFor(), err);
        assertEquals("airlock\n", Files.readString(out.resolve("etc/hostname")));
        assertEquals("#!/bin/sh\necho hi\n", Files.readString(out.resolve("bin/init")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bin/init"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("empty"))));
        assertTrue(Files.isSymbolicLink(out.resolve("init")));
        assertEquals("bin/init", Files.readSymbolicLink(out.resolve("init")).toString());
        assertEquals(1_700_000_000L, Files.getLastModifiedTime(out.resolve("etc/hostname")).toMillis() / 1000);
    }

    @Test
    void layoutIsFourByteAlignedNewcAndReproducible() throws Exception {
        byte[] a = archive();
        assertArrayEquals(a, archive(), "same input, same bytes");
        assertEquals(0, a.length % 4);
        assertEquals("070701", new String(a, 0, 6));
        // First entry "etc": 110-byte header + "etc\0" = 114, padded to 116; no data.
        assertEquals("070701", new String(a, 116, 6), "second header follows the padded first entry");
        String trailerTail = new String(a, a.length - 14, 14).replace("\0", "");
        assertEquals("TRAILER!!!", trailerTail);
    }

    @Test
    void unsafeNamesAreRefused() {
        CpioWriter w = new CpioWriter(OutputStream.nullOutputStream(), 0);
        for (String bad : new String[] {"/etc", "../x", "a/../b", "a//b", "", "TRAILER!!!", "a\0b", "./x"}) {
            assertThrows(IllegalArgumentException.class, () -> w.file(bad, 0644, new byte[0]), bad);
        }
    }
}
