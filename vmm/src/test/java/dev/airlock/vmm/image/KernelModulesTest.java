package dev.airlock.vmm.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.testing.Toolchain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Module dependencies from real ELF objects: gcc compiles stand-in modules whose .modinfo
 * section carries {@code depends=} exactly as the kernel's modpost writes it.
 */
class KernelModulesTest {

    /** Compiles a relocatable object with a .modinfo section into {@code path}. */
    static void module(Path path, String depends) throws Exception {
        Files.createDirectories(path.getParent());
        Path c = path.resolveSibling(path.getFileName() + ".c");
        Files.writeString(c, """
                __attribute__((section(".modinfo"), used)) static const char license[] = "license=GPL";
                __attribute__((section(".modinfo"), used)) static const char deps[] = "depends=%s";
                __attribute__((section(".modinfo"), used)) static const char name[] = "name=%s";
                int init_module(void) { return 0; }
                """.formatted(depends, KernelModules.moduleName(path.getFileName().toString())));
        Toolchain.run(path.getParent(), "gcc", "-c", "-o", path.toString(), c.toString());
        Files.delete(c);
    }

    static Path tree(Path dir) throws Exception {
        Toolchain.assumeTools("gcc");
        Path m = dir.resolve("lib/modules/6.1.0-test");
        module(m.resolve("kernel/drivers/virtio/virtio.ko"), "");
        module(m.resolve("kernel/drivers/virtio/virtio_ring.ko"), "virtio");
        module(m.resolve("kernel/drivers/virtio/virtio_mmio.ko"), "virtio_ring,virtio");
        module(m.resolve("kernel/drivers/char/hw_random/virtio-rng.ko"), "virtio_ring,virtio");
        module(m.resolve("kernel/net/core/failover.ko"), "");
        module(m.resolve("kernel/drivers/net/net_failover.ko"), "failover");
        module(m.resolve("kernel/drivers/net/virtio_net.ko"), "net_failover,virtio_ring,virtio");
        Files.writeString(m.resolve("modules.builtin"), "kernel/drivers/char/virtio_console.ko\n");
        return m;
    }

    @Test
    void dependenciesLoadFirstAndBuiltinsAreLeftOut(@TempDir Path dir) throws Exception {
        KernelModules modules = KernelModules.scan(tree(dir));
        assertTrue(modules.isBuiltin("virtio_console"));
        assertEquals(List.of("virtio", "virtio_ring", "virtio_mmio", "failover", "net_failover", "virtio_net", "virtio_rng"),
                modules.loadOrder(List.of("virtio_mmio", "virtio_net", "virtio_console", "virtio_rng")));
    }

    @Test
    void aModuleThatIsNeitherShippedNorBuiltInIsNamed(@TempDir Path dir) throws Exception {
        KernelModules modules = KernelModules.scan(tree(dir));
        IOException e = assertThrows(IOException.class, () -> modules.loadOrder(List.of("virtio_blk")));
        assertTrue(e.getMessage().contains("virtio_blk"), e.getMessage());
    }

    @Test
    void notAnElfIsRefused() {
        assertThrows(IOException.class, () -> KernelModules.dependencies("not an ELF file at all, just text......"
                .repeat(3).getBytes()));
    }
}
