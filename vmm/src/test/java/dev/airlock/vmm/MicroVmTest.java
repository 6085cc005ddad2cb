package dev.airlock.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.vmm.boot.BootFile;
import dev.airlock.vmm.boot.CpuidFilter;
import dev.airlock.vmm.kvm.Kvm;
import dev.airlock.vmm.testing.Toolchain;
import dev.airlock.vmm.vcpu.VcpuStop;
import dev.airlock.vmm.virtio.net.FramePort;
import dev.airlock.vmm.virtio.net.FrameSink;
import dev.airlock.vmm.virtio.net.VirtioNet;
import dev.airlock.vmm.virtio.rng.VirtioRng;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole microVM under KVM with a tiny PVH "kernel" built at test time: it follows the start
 * info to the ACPI RSDP and the command line, prints both on COM1, reads the first virtio-mmio
 * device's id, and resets through the i8042.
 */
class MicroVmTest {

    @Test
    void bootsAPvhKernelThatFindsAcpiTheCommandLineAndAVirtioDevice(@TempDir Path dir) throws Exception {
        String reason = Kvm.unavailableReason();
        assumeTrue(reason == null, () -> "skipping: KVM is not usable here: " + reason);
        Toolchain.assumeTools("as", "ld");
        byte[] kernel = Toolchain.assembleElf(dir, Toolchain.PVH_HEADER + """
                    mov $0x3f8, %dx
                    mov 32(%ebx), %esi       # rsdp_paddr
                    mov $8, %ecx
                1:  lodsb
                    outb %al, %dx
                    loop 1b
                    mov $' ', %al
                    outb %al, %dx
                    mov 24(%ebx), %esi       # cmdline_paddr
                2:  lodsb
                    test %al, %al
                    jz 3f
                    outb %al, %dx
                    jmp 2b
                3:  mov $' ', %al
                    outb %al, %dx
                    mov 0xd0000008, %eax     # virtio-mmio slot 0: DeviceID
                    add $'0', %al
                    outb %al, %dx
                    mov 0xd0001008, %eax     # slot 1
                    add $'0', %al
                    outb %al, %dx
                    mov $'\\n', %al
                    outb %al, %dx
                    mov $0xfe, %al
                    outb %al, $0x64
                4:  hlt
                    jmp 4b
                """, "SECTIONS { . = 0x100000; .text : { *(.text) } .note.Xen : { *(.note.Xen) } }");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        FramePort nowhere = new FramePort() {
            @Override
            public void send(ByteBuffer frame) {}

            @Override
            public void connect(FrameSink guest) {}
        };
        MicroVmConfig config = new MicroVmConfig(16 << 20, 1, BootFile.of("kernel.elf", kernel), null, "console=ttyS0 quiet",
                CpuidFilter.NESTED_SAFE, console,
                List.of(new VirtioNet(new byte[] {2, 0, 0, 0, 0, 9}, nowhere), new VirtioRng()));
        try (MicroVm vm = MicroVm.create(config)) {
            VcpuStop stop = vm.run(Duration.ofSeconds(20));
            assertEquals(new VcpuStop.GuestRequested("i8042 reset"), stop);
            assertEquals("RSD PTR  console=ttyS0 quiet 14\n", console.toString());
            assertEquals((long) console.size(), vm.counters().get("uart").get("tx_bytes"));
        }
    }
}
