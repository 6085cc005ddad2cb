package dev.airlock.vmm.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.airlock.vmm.bus.KvmInterruptLine;
import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.testing.TinyGuest;
import dev.airlock.vmm.testing.Toolchain;
import dev.airlock.vmm.vcpu.VcpuStop;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 8250 and i8042 models driven by real-mode guests under KVM, with the in-kernel irqchip. */
class LegacyDevicesGuestTest {

    private static final long LOAD = 0x1000;

    private static TinyGuest guest(ByteArrayOutputStream console) {
        TinyGuest g = TinyGuest.create(1 << 20, true);
        g.pio.register(AddressMap.COM1_PORT, 8,
                new Serial8250(console, new KvmInterruptLine(g.vm, AddressMap.COM1_IRQ)));
        new I8042(() -> g.control.requestStop(new VcpuStop.GuestRequested("i8042 reset"))).register(g.pio);
        return g;
    }

    @Test
    void guestWritesReachTheUartAndI8042ResetEndsTheVm(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("as", "ld", "objcopy");
        byte[] code = Toolchain.assembleFlat(dir, """
                .code16
                .globl _start
                _start:
                    mov $msg, %si
                    mov $0x3f8, %dx
                1:  lodsb
                    test %al, %al
                    jz 2f
                    outb %al, %dx
                    jmp 1b
                2:  mov $0xfe, %al
                    outb %al, $0x64
                3:  hlt
                    jmp 3b
                msg: .asciz "airlock uart\\n"
                """, LOAD);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (TinyGuest g = guest(console)) {
            g.memory.write(LOAD, code);
            g.realMode(LOAD);
            VcpuStop stop = g.run(10);
            assertEquals(new VcpuStop.GuestRequested("i8042 reset"), stop);
            assertEquals("airlock uart\n", console.toString());
        }
    }

    @Test
    void uartInterruptIsDeliveredThroughThePicToTheGuestsHandler(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("as", "ld", "objcopy");
        // Vector 0x24 = PIC base 0x20 + IRQ 4. The guest unmasks IRQ 4, enables the UART's THR-empty
        // interrupt (which fires at once), and halts; the handler prints "I" and resets the VM.
        byte[] code = Toolchain.assembleFlat(dir, """
                .code16
                .globl _start
                _start:
                    cli
                    xor %ax, %ax
                    mov %ax, %ds
                    movw $handler, (0x24 * 4)
                    movw $0, (0x24 * 4 + 2)
                    mov $0x11, %al
                    outb %al, $0x20
                    mov $0x20, %al
                    outb %al, $0x21
                    mov $0x04, %al
                    outb %al, $0x21
                    mov $0x01, %al
                    outb %al, $0x21
                    mov $0xef, %al
                    outb %al, $0x21
                    mov $0x3f9, %dx
                    mov $0x02, %al
                    outb %al, %dx
                    sti
                1:  hlt
                    jmp 1b
                handler:
                    mov $0x3fa, %dx
                    inb %dx, %al
                    mov %al, %bl
                    mov $0x3f9, %dx
                    xor %al, %al
                    outb %al, %dx
                    mov %bl, %al
                    mov $0x3f8, %dx
                    add $('0' - 2), %al
                    outb %al, %dx
                    mov $'I', %al
                    outb %al, %dx
                    mov $0x20, %al
                    outb %al, $0x20
                    mov $0xfe, %al
                    outb %al, $0x64
                    iret
                """, LOAD);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (TinyGuest g = guest(console)) {
            g.memory.write(LOAD, code);
            g.realMode(LOAD);
            VcpuStop stop = g.run(10);
            assertInstanceOf(VcpuStop.GuestRequested.class, stop);
            // IIR read 0x02 (THR empty) in the handler, printed as '0' + 2 - 2.
            assertEquals("0I", console.toString());
        }
    }
}
