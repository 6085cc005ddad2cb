package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.vmm.KvmSpeed;
import dev.airlock.vmm.image.GuestImage;
import dev.airlock.vmm.image.GuestImageBuilder;
import dev.airlock.vmm.kvm.Kvm;
import dev.airlock.vmm.testing.Toolchain;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C and SIGTERM sent to a real {@code airlock run --isolation microvm} process while its
 * guest is still booting: the VM is stopped at once and airlock exits as a shell reports a job
 * the signal killed (130, 143). The guest image is a tiny PVH kernel built here that prints a
 * line on the serial console and halts — it never starts an exec agent, which is what a slow
 * boot looks like to airlock. Forwarding to a running command is tested against the real agent
 * by {@link SignalForwardingTest} and the vmm module's exec tests, and here with the Debian
 * kernel where KVM runs at hardware speed.
 */
class RunMicroVmSignalsTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void image() throws Exception {
        String reason = Kvm.unavailableReason();
        assumeTrue(reason == null, () -> "skipping: KVM is not usable here: " + reason);
        Toolchain.assumeTools("as", "ld");
        Path image = Files.createDirectories(dir.resolve("image"));
        Files.write(image.resolve("vmlinuz"), Toolchain.assembleElf(dir, Toolchain.PVH_HEADER + """
                    mov $msg, %esi
                    mov $0x3f8, %dx
                1:  lodsb
                    test %al, %al
                    jz 2f
                    outb %al, %dx
                    jmp 1b
                2:  hlt
                    jmp 2b
                msg: .asciz "tiny guest up\\n"
                """, "SECTIONS { . = 0x100000; .text : { *(.text) } .note.Xen : { *(.note.Xen) } }"));
        Files.write(image.resolve("initramfs.cpio.gz"), new byte[] {0});
        Files.writeString(image.resolve("image.properties"), "kernel.package=tiny-test-guest\n");
    }

    private static Process airlock(String name) throws Exception {
        return airlock(name, dir.resolve("image"), List.of("--verbose"), List.of("sleep", "100"));
    }

    private static Process airlock(String name, Path image, List<String> options, List<String> command) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", cp, "dev.airlock.cli.Main", "run", "--isolation", "microvm",
                "--image", image.toString(), "--boot-timeout", "120",
                "--state-dir", dir.resolve(name + "/state").toString(), "--audit", dir.resolve(name + "/audit.jsonl").toString(),
                "--ca-dir", dir.resolve(name + "/ca").toString()));
        cmd.addAll(options);
        cmd.add("--");
        cmd.addAll(command);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .redirectInput(new File("/dev/null")).start();
    }

    /** Waits until the guest printed its line: the VM runs and airlock waits for an agent. */
    private static void awaitGuest(Process p, String name) throws Exception {
        awaitLog(p, name, "tiny guest up", 60);
    }

    private static void awaitLog(Process p, String name, String text, int seconds) throws Exception {
        Path log = dir.resolve(name + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no \"" + text + "\" in: " + Files.readString(log, StandardCharsets.UTF_8));
    }

    private static void signalAndExpect(String name, String signal, int status) throws Exception {
        Process p = airlock(name);
        try {
            awaitGuest(p, name);
            long sent = System.nanoTime();
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor());
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "airlock exited after SIG" + signal);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            String log = Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
            assertEquals(status, p.exitValue(), log);
            assertTrue(log.contains("airlock run: SIG" + signal + " while the VM was starting; the VM was stopped"), log);
            assertTrue(ms < 10_000, "stopped without waiting for the stop timeout: " + ms + " ms");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void ctrlCWhileTheGuestBootsStopsTheVmAndExits130() throws Exception {
        signalAndExpect("int", "INT", 130);
    }

    @Test
    void sigtermWhileTheGuestBootsStopsTheVmAndExits143() throws Exception {
        signalAndExpect("term", "TERM", 143);
    }

    /** The whole path with the Debian kernel: Ctrl-C reaches the command, whose trap decides the status. */
    @Test
    void ctrlCReachesTheCommandInABootedGuest() throws Exception {
        KvmSpeed speed = KvmSpeed.probe();
        assumeTrue(speed.fastEnough(), speed.slowReason());
        GuestImage image = new GuestImageBuilder(GuestImageBuilder.Options.defaults(), System.err::println).build();
        Process p = airlock("booted", image.directory(), List.of(),
                List.of("sh", "-c", "trap 'echo cleaning up; exit 3' INT; echo ready; while :; do sleep 1; done"));
        try {
            awaitLog(p, "booted", "ready", 120);
            assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "airlock exited after SIGINT");
            String log = Files.readString(dir.resolve("booted.log"), StandardCharsets.UTF_8);
            assertEquals(3, p.exitValue(), "the command's own status: " + log);
            assertTrue(log.contains("cleaning up"), log);
        } finally {
            p.destroyForcibly();
        }
    }
}
