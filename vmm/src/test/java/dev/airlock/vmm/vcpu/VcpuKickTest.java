package dev.airlock.vmm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.airlock.vmm.testing.RecordingDevice;
import dev.airlock.vmm.testing.TinyGuest;
import dev.airlock.vmm.testing.Toolchain;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop request reaches a vCPU that never exits to the monitor by itself: one halted inside
 * KVM (in-kernel irqchip, interrupts off) and one spinning in the guest. Both guests first
 * write a port, so the test knows they are inside KVM_RUN when it asks them to stop.
 */
class VcpuKickTest {

    private static final long LOAD = 0x1000;

    private static void stopsWhenKicked(Path dir, String park) throws Exception {
        Toolchain.assumeTools("as", "ld", "objcopy");
        byte[] code = Toolchain.assembleFlat(dir, ".code16\n.text\n.globl _start\n_start:\n"
                + "    mov $0x10, %dx\n    mov $'R', %al\n    outb %al, %dx\n" + park, LOAD);
        try (TinyGuest g = TinyGuest.create(1 << 20, true)) {
            RecordingDevice port = new RecordingDevice(0);
            g.pio.register(0x10, 1, port);
            g.memory.write(LOAD, code);
            g.realMode(LOAD);
            CompletableFuture<VcpuStop> stopped = g.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (port.written.size() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, port.written.size(), "the guest started");
            Thread.sleep(100); // let it reach its parking instruction
            assertFalse(stopped.isDone(), "the guest does not stop on its own");
            g.control.requestStop(new VcpuStop.Requested("test"));
            g.vcpu.kick();
            assertEquals(new VcpuStop.Requested("test"), stopped.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aKickEndsAVcpuHaltedInsideKvm(@TempDir Path dir) throws Exception {
        stopsWhenKicked(dir, "    cli\n1:  hlt\n    jmp 1b\n");
    }

    @Test
    void aKickEndsAVcpuSpinningInTheGuest(@TempDir Path dir) throws Exception {
        stopsWhenKicked(dir, "1:  jmp 1b\n");
    }
}
