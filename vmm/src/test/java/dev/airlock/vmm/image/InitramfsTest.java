package dev.airlock.vmm.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.testing.HostAgent;
import dev.airlock.vmm.testing.Toolchain;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The initramfs assembled from the host's busybox, the agent and stand-in modules, read back
 * by GNU cpio: the layout /init relies on, device nodes, applet links, and reproducibility.
 */
class InitramfsTest {

    @Test
    void theArchiveHoldsWhatInitNeeds(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("busybox", "cpio", "gcc");
        Path busybox = Path.of(Toolchain.run(dir, "sh", "-c", "command -v busybox").strip());
        Path agent = HostAgent.compile(dir);
        Path ko = dir.resolve("virtio_mmio.ko");
        KernelModulesTest.module(ko, "");
        Map<String, Path> modules = new LinkedHashMap<>();
        modules.put("virtio_mmio", ko);
        Initramfs image = new Initramfs(busybox, List.of("sh", "ip", "insmod", "reboot", "busybox"), agent, modules);
        byte[] gz = image.write();
        assertArrayEquals(gz, image.write(), "the same inputs give the same bytes");

        Path cpio = dir.resolve("initramfs.cpio");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            Files.write(cpio, in.readAllBytes());
        }
        String listing = Toolchain.run(dir, "cpio", "-itv", "--quiet", "-F", cpio.toString());
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("crw") && l.contains("5,") && l.endsWith("dev/console")), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("lrwx") && l.endsWith("bin/sh -> busybox")), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("drwxrwxrwt") && l.endsWith(" tmp")), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("-rwxr-xr-x") && l.endsWith(" init")), listing);

        Path out = dir.resolve("root");
        Files.createDirectories(out);
        Toolchain.run(out, "cpio", "-id", "--quiet", "--no-absolute-filenames", "-F", cpio.toString(), "init",
                "etc/airlock/modules", "bin/airlock-agent", "lib/modules/virtio_mmio.ko");
        assertArrayEquals(Initramfs.initScript(), Files.readAllBytes(out.resolve("init")));
        assertEquals("virtio_mmio\n", Files.readString(out.resolve("etc/airlock/modules")));
        assertArrayEquals(Files.readAllBytes(agent), Files.readAllBytes(out.resolve("bin/airlock-agent")));
        assertArrayEquals(Files.readAllBytes(ko), Files.readAllBytes(out.resolve("lib/modules/virtio_mmio.ko")));
    }
}
