package dev.airlock.vmm.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.vmm.boot.BootFile;
import dev.airlock.vmm.boot.BzImage;
import dev.airlock.vmm.testing.Toolchain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image builder on the real Debian package set (linux-image-amd64 → its kernel package,
 * busybox-static). Slower: the first run downloads about 70 MB into ~/.cache/airlock/debs
 * (reused afterwards) and extracting the kernel package takes several seconds. Skipped where
 * apt-get, dpkg-deb or gcc are missing, or with AIRLOCK_SKIP_DOWNLOADS=1.
 */
class GuestImageBuilderTest {

    @Test
    void buildsABootableImageFromDebianPackagesAndReusesIt(@TempDir Path out) throws Exception {
        assumeTrue(System.getenv("AIRLOCK_SKIP_DOWNLOADS") == null, "AIRLOCK_SKIP_DOWNLOADS is set: not downloading Debian packages");
        Toolchain.assumeTools("apt-get", "apt-cache", "dpkg-deb", "gcc", "cpio");
        GuestImageBuilder.Options options = new GuestImageBuilder.Options("linux-image-amd64", "busybox-static",
                GuestImageBuilder.defaultCacheDirectory(), out.resolve("image"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        GuestImage image = new GuestImageBuilder(options, line -> log.writeBytes((line + "\n").getBytes())).build();

        BzImage bz = BzImage.parse(BootFile.read(image.kernel()).bytes());
        assertTrue(bz.protocolVersion() >= 0x20c, "a 64-bit-bootable bzImage");
        assertTrue(image.manifest().getProperty("kernel.package").startsWith("linux-image-6"), image.describe());
        String modules = image.manifest().getProperty("modules");
        assertTrue(modules.contains("virtio_mmio") && modules.contains("virtio_net") && modules.contains("virtio_console"),
                "Debian builds the virtio drivers as modules: " + modules);
        assertTrue(modules.indexOf("virtio_ring") < modules.indexOf("virtio_mmio"), "dependencies load first: " + modules);

        Path cpio = out.resolve("initramfs.cpio");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(image.initramfs())))) {
            Files.write(cpio, in.readAllBytes());
        }
        String listing = Toolchain.run(out, "cpio", "-it", "--quiet", "-F", cpio.toString());
        for (String entry : new String[] {"init", "bin/busybox", "bin/wget", "bin/airlock-agent", "dev/console",
                "lib/modules/virtio_net.ko", "etc/airlock/modules"}) {
            assertTrue(listing.lines().anyMatch(entry::equals), entry + " in the initramfs");
        }
        String agentType = Toolchain.run(out, "sh", "-c", "cd " + out + " && cpio -id --quiet -F " + cpio
                + " bin/airlock-agent && od -An -c -N4 bin/airlock-agent");
        assertTrue(agentType.contains("E   L   F"), agentType);

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        GuestImage cached = new GuestImageBuilder(options, line -> again.writeBytes((line + "\n").getBytes())).build();
        assertEquals(image.manifest().getProperty("key"), cached.manifest().getProperty("key"));
        assertTrue(again.toString().contains("up to date"), again.toString());
        assertTrue(log.toString().contains("writing the initramfs"), "progress is shown: " + log);
    }
}
