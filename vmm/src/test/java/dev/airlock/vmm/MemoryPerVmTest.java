package dev.airlock.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.vmm.kvm.Kvm;
import dev.airlock.vmm.testing.Toolchain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one more VM costs the JVM beyond the guest RAM it touched — issue #6's target is under
 * 5 MiB. {@link MemoryPerVm} runs {@link #VMS} VMs (256 MiB of guest RAM, one vCPU, virtio-net,
 * virtio-console and virtio-rng each) in a JVM of its own; each boots a tiny PVH guest, built
 * here, that marks the boot timer and halts, with an 8 MiB initrd standing in for the
 * initramfs. Per VM: the growth of resident memory less the guest RAM the VMs touched (their
 * initrd copies, ACPI tables, boot structures), plus the Java objects they keep alive. The
 * figures are printed for docs/benchmarks.md.
 */
class MemoryPerVmTest {

    private static final int VMS = 8;
    private static final int INITRD_BYTES = 8 << 20;
    private static final long BUDGET_BYTES = 5L << 20;

    private static final String GUEST = Toolchain.PVH_HEADER + """
                mov $1, %al
                mov $0x440, %dx
                outb %al, %dx          # boot timer: "userspace started"
                cli
            1:  hlt
                jmp 1b
            """;

    @Test
    void eachAdditionalVmCostsLessThanFiveMiBBeyondTheGuestRamItTouched(@TempDir Path dir) throws Exception {
        String reason = Kvm.unavailableReason();
        assumeTrue(reason == null, () -> "skipping: KVM is not usable here: " + reason);
        Toolchain.assumeTools("as", "ld");
        Path kernel = dir.resolve("tiny.elf");
        Files.write(kernel, Toolchain.assembleElf(dir, GUEST,
                "SECTIONS { . = 0x100000; .text : { *(.text) } .note.Xen : { *(.note.Xen) } }"));
        Path initrd = dir.resolve("initrd");
        byte[] random = new byte[INITRD_BYTES];
        new Random(6).nextBytes(random);
        Files.write(initrd, random);

        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MemoryPerVm.class.getName(), kernel.toString(), initrd.toString(), String.valueOf(VMS))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the measurement finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        Map<String, Long> v = new HashMap<>();
        for (String line : out.lines().toList()) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                v.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        for (String key : List.of("rss_before_kib", "rss_after_kib", "guest_ram_resident_kib", "live_heap_before_kib",
                "live_heap_after_kib")) {
            assertTrue(v.containsKey(key), key + " in:\n" + out);
        }
        long residentKib = v.get("rss_after_kib") - v.get("rss_before_kib");
        long guestKib = v.get("guest_ram_resident_kib");
        long heapKib = v.get("live_heap_after_kib") - v.get("live_heap_before_kib");
        long perVmKib = (residentKib - guestKib + Math.max(0, heapKib)) / VMS;
        System.out.printf(Locale.ROOT, "memory per VM: %d VMs of %d MiB guest RAM: resident +%d KiB, of it guest RAM"
                        + " %d KiB (%d KiB per VM); live heap +%d KiB; beyond guest RAM %d KiB per VM%n",
                VMS, MemoryPerVm.GUEST_RAM >> 20, residentKib, guestKib, guestKib / VMS, heapKib, perVmKib);
        assertTrue(guestKib >= VMS * (INITRD_BYTES >> 10), "every guest's initrd copy is resident: " + out);
        assertTrue(perVmKib * 1024 < BUDGET_BYTES, "each additional VM costs " + perVmKib + " KiB beyond its guest RAM");
    }
}
