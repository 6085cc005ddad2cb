package dev.airlock.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.airlock.vmm.bus.BusDevice;
import dev.airlock.vmm.legacy.I8042;
import dev.airlock.vmm.testing.RecordingDevice;
import dev.airlock.vmm.testing.TinyGuest;
import dev.airlock.vmm.testing.Toolchain;
import dev.airlock.vmm.vcpu.VcpuStop;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KVM_IRQFD and KVM_IOEVENTFD with tiny real-mode guests and the in-kernel irqchip. */
class EventFdGuestTest {

    @Test
    void anIrqfdSignalInterruptsTheGuestAndAnIoeventfdSwallowsAWrite(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("as", "ld", "objcopy");
        // The guest programs the PIC (vector base 0x20, only IRQ 3 unmasked), writes 0x1234 to
        // MMIO 0xf0050 (an ioeventfd: no exit), asks the host to fire the irqfd, and halts; the
        // handler reports 'I' and resets the VM.
        byte[] code = Toolchain.assembleFlat(dir, """
                .code16
                .globl _start
                _start:
                    cli
                    xor %ax, %ax
                    mov %ax, %ds
                    movw $handler, (0x23 * 4)
                    movw $0, (0x23 * 4 + 2)
                    mov $0x11, %al
                    outb %al, $0x20
                    mov $0x20, %al
                    outb %al, $0x21
                    mov $0x04, %al
                    outb %al, $0x21
                    mov $0x01, %al
                    outb %al, $0x21
                    mov $0xf7, %al
                    outb %al, $0x21
                    mov $0xf000, %ax
                    mov %ax, %ds
                    movl $0x1234, (0x50)
                    xor %ax, %ax
                    mov %ax, %ds
                    mov $'R', %al
                    outb %al, $0x10
                    sti
                1:  hlt
                    jmp 1b
                handler:
                    mov $'I', %al
                    outb %al, $0x10
                    mov $0x20, %al
                    outb %al, $0x20
                    mov $0xfe, %al
                    outb %al, $0x64
                    iret
                """, 0x1000);
        try (TinyGuest g = TinyGuest.create(512 << 10, true);
             EventFd irq = EventFd.create();
             EventFd doorbell = EventFd.create()) {
            g.vm.registerIrqFd(irq, 3);
            g.vm.registerIoEventFd(doorbell, 0xf0050, 4, false, null);
            RecordingDevice window = new RecordingDevice(0);
            g.mmio.register(0xf0000, 0x1000, window);
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            g.pio.register(0x10, 1, new BusDevice() {
                @Override
                public void read(long offset, byte[] data) {}

                @Override
                public void write(long offset, byte[] data) {
                    seen.write(data[0]);
                    if (data[0] == 'R') {
                        irq.signal(1);
                    }
                }
            });
            new I8042(() -> g.control.requestStop(new VcpuStop.GuestRequested("reset"))).register(g.pio);
            g.memory.write(0x1000, code);
            g.realMode(0x1000);
            assertInstanceOf(VcpuStop.GuestRequested.class, g.run(10));
            assertEquals("RI", seen.toString(), "the handler for IRQ 3 ran after the irqfd was signalled");
            assertEquals(1, doorbell.drain(), "the MMIO write signalled the ioeventfd");
            assertEquals(0, window.accesses.size(), "and did not exit to the monitor");
        }
    }
}
