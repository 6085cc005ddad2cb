package dev.airlock.vmm.vcpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.testing.RecordingDevice;
import dev.airlock.vmm.testing.TinyGuest;
import dev.airlock.vmm.testing.Toolchain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny 16-bit guests assembled at test time, run under real KVM. */
class RealModeGuestTest {

    private static final long LOAD = 0x1000;

    private static byte[] assemble(Path dir, String body) throws Exception {
        return Toolchain.assembleFlat(dir, ".code16\n.text\n.globl _start\n_start:\n" + body, LOAD);
    }

    @Test
    void portWritesReachTheBusAndHltStopsTheVcpu(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("as", "ld", "objcopy");
        byte[] code = assemble(dir, """
                    mov $msg, %si
                    mov $0x10, %dx
                next:
                    lodsb
                    test %al, %al
                    jz done
                    outb %al, %dx
                    jmp next
                done:
                    hlt
                msg: .asciz "hello"
                """);
        try (TinyGuest g = TinyGuest.create(1 << 20, false)) {
            RecordingDevice port = new RecordingDevice(0);
            g.pio.register(0x10, 1, port);
            g.memory.write(LOAD, code);
            g.realMode(LOAD);
            VcpuStop stop = g.run(10);
            assertInstanceOf(VcpuStop.Halted.class, stop);
            assertEquals("hello", port.written.toString(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void portReadsReturnWhatTheDeviceAnswers(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("as", "ld", "objcopy");
        byte[] code = assemble(dir, """
                    mov $0x20, %dx
                    inw %dx, %ax
                    add $1, %ax
                    mov $0x22, %dx
                    outw %ax, %dx
                    hlt
                """);
        try (TinyGuest g = TinyGuest.create(1 << 20, false)) {
            RecordingDevice in = new RecordingDevice(0x41);
            RecordingDevice out = new RecordingDevice(0);
            g.pio.register(0x20, 2, in);
            g.pio.register(0x22, 2, out);
            g.memory.write(LOAD, code);
            g.realMode(LOAD);
            assertInstanceOf(VcpuStop.Halted.class, g.run(10));
            assertArrayEquals(new byte[] {0x42, 0x41}, out.written.toByteArray(), "0x4141 + 1, little-endian");
        }
    }

    @Test
    void accessesOutsideRamBecomeMmioExits(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("as", "ld", "objcopy");
        // Real mode reaches 0xF0000..0xFFFFF through segment 0xF000: RAM is only 512 KiB, so
        // 0xF0010 has no memory behind it and must exit as MMIO.
        byte[] code = assemble(dir, """
                    mov $0xf000, %ax
                    mov %ax, %ds
                    movl $0xcafef00d, %eax
                    movl %eax, (0x10)
                    movl (0x20), %ebx
                    mov %bx, %ax
                    xor %cx, %cx
                    mov %cx, %ds
                    mov $0x30, %dx
                    outw %ax, %dx
                    hlt
                """);
        try (TinyGuest g = TinyGuest.create(512 << 10, false)) {
            RecordingDevice window = new RecordingDevice(0x5a);
            RecordingDevice port = new RecordingDevice(0);
            g.mmio.register(0xf0000, 0x1000, window);
            g.pio.register(0x30, 2, port);
            g.memory.write(LOAD, code);
            g.realMode(LOAD);
            assertInstanceOf(VcpuStop.Halted.class, g.run(10));
            RecordingDevice.Access write = window.accesses.get(0);
            assertTrue(write.write());
            assertEquals(0x10, write.offset());
            assertArrayEquals(new byte[] {0x0d, (byte) 0xf0, (byte) 0xfe, (byte) 0xca}, write.data());
            RecordingDevice.Access read = window.accesses.get(1);
            assertEquals(0x20, read.offset());
            assertEquals(4, read.data().length);
            assertArrayEquals(new byte[] {0x5a, 0x5a}, port.written.toByteArray(), "the guest saw the MMIO read value");
        }
    }
}
