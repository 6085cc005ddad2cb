package dev.airlock.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.vmm.boot.BootFile;
import dev.airlock.vmm.boot.CpuidFilter;
import dev.airlock.vmm.kvm.Kvm;
import dev.airlock.vmm.testing.Toolchain;
import dev.airlock.vmm.vcpu.VcpuStop;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A microVM with several vCPUs under KVM. The tiny PVH guest's boot vCPU starts the others the
 * way Linux does (INIT and start-up IPIs through its local APIC); every vCPU then records what
 * it sees of itself — its local APIC's ID register, CPUID leaf 1's APIC id and CPU count, leaf
 * 0xB's x2APIC id and core-level count — and the boot vCPU prints one line per vCPU on COM1
 * and resets. The secondary vCPUs end halted with interrupts off, which only a kick ends.
 */
class SmpGuestTest {

    private static final int CPUS = 3;

    /** 16-bit start-up code, copied to 0x10000 (start-up IPI vector 0x10); records at 0x40000. */
    private static final String GUEST = """
            .set TRAMP, 0x10000
            .set SLOTS, 0x40000
            .set ARRIVED, 0x3fff0
            .set LAPIC_ID, 0xfee00020
            .section .note.Xen, "a", @note
                .long 4, 4, 18
                .asciz "Xen"
                .long start
            .text
            .code32
            .globl start
            start:
                mov $0x6f000, %esp
                mov $tramp_start, %esi
                mov $TRAMP, %edi
                mov $(tramp_end - tramp_start), %ecx
                cld
                rep movsb
                call record
                movl $0x1ff, 0xfee000f0          # software-enable the local APIC
                movl $0x000c4500, 0xfee00300     # INIT to all others
                movl $0x000c4610, 0xfee00300     # start-up IPI, vector 0x10
                movl $0x000c4610, 0xfee00300     # and the second one the protocol sends
                mov $1, %eax
                cpuid
                shr $16, %ebx
                and $0xff, %ebx
                dec %ebx                         # secondary vCPUs to wait for
            1:  pause
                cmpl %ebx, ARRIVED
                jne 1b
                mov $SLOTS, %esi
                mov $32, %edi
            2:  cmpl $1, (%esi)
                jne 3f
                mov $0x3f8, %dx
                mov $'c', %al
                outb %al, %dx
                mov $'p', %al
                outb %al, %dx
                mov $'u', %al
                outb %al, %dx
                mov $' ', %al
                outb %al, %dx
                mov 4(%esi), %eax
                call hex
                mov 8(%esi), %eax
                call hex
                mov 12(%esi), %eax
                call hex
                mov 16(%esi), %eax
                call hex
                mov 20(%esi), %eax
                call hex
                mov $'\\n', %al
                outb %al, %dx
            3:  add $32, %esi
                dec %edi
                jnz 2b
                mov $0xfe, %al
                outb %al, $0x64                  # i8042 reset ends the VM
            4:  hlt
                jmp 4b

            # Fills this vCPU's slot (by local APIC id): marker, APIC ID register, CPUID.1 APIC id,
            # CPUID.1 count, CPUID.0xB.0 x2APIC id, CPUID.0xB.1 processors at the core level.
            record:
                mov LAPIC_ID, %edi
                shr $24, %edi
                and $31, %edi
                shl $5, %edi
                add $SLOTS, %edi
                mov LAPIC_ID, %eax
                shr $24, %eax
                mov %eax, 4(%edi)
                mov $1, %eax
                cpuid
                mov %ebx, %eax
                shr $24, %eax
                mov %eax, 8(%edi)
                shr $16, %ebx
                and $0xff, %ebx
                mov %ebx, 12(%edi)
                mov $0xb, %eax
                xor %ecx, %ecx
                cpuid
                mov %edx, 16(%edi)
                mov $0xb, %eax
                mov $1, %ecx
                cpuid
                and $0xffff, %ebx
                mov %ebx, 20(%edi)
                movl $1, (%edi)
                ret

            hex:                                 # eax as 8 hex digits and a space
                push %ecx
                push %esi
                mov %eax, %esi
                mov $8, %ecx
            5:  rol $4, %esi
                mov %esi, %eax
                and $0xf, %eax
                movb digits(%eax), %al
                outb %al, %dx
                loop 5b
                mov $' ', %al
                outb %al, %dx
                pop %esi
                pop %ecx
                ret
            digits: .ascii "0123456789abcdef"

            ap_main:                             # a secondary vCPU, now in 32-bit protected mode
                mov $0x10, %ax
                mov %ax, %ds
                mov %ax, %es
                mov %ax, %ss
                mov LAPIC_ID, %esp
                shr $24, %esp
                and $31, %esp
                inc %esp
                shl $12, %esp
                add $0x70000, %esp               # a stack page per APIC id
                call record
                lock incl ARRIVED
                cli
            6:  hlt
                jmp 6b

                .p2align 4
            .code16
            tramp_start:                         # runs at TRAMP in real mode, CS = 0x1000
                cli
                mov %cs, %ax
                mov %ax, %ds
                lgdtl (tramp_gdtr - tramp_start)
                mov %cr0, %eax
                or $1, %al
                mov %eax, %cr0
                ljmpl $0x08, $ap_main
                .p2align 3
            tramp_gdt:
                .quad 0
                .quad 0x00cf9a000000ffff         # flat 32-bit code
                .quad 0x00cf92000000ffff         # flat data
            tramp_gdtr:
                .word tramp_gdtr - tramp_gdt - 1
                .long TRAMP + tramp_gdt - tramp_start
            tramp_end:
            """;

    @Test
    void everyVcpuRunsAndSeesItsOwnApicIdAndTheTopology(@TempDir Path dir) throws Exception {
        String reason = Kvm.unavailableReason();
        assumeTrue(reason == null, () -> "skipping: KVM is not usable here: " + reason);
        Toolchain.assumeTools("as", "ld");
        byte[] kernel = Toolchain.assembleElf(dir, GUEST,
                "SECTIONS { . = 0x100000; .text : { *(.text) } .note.Xen : { *(.note.Xen) } }");
        boolean extendedTopology;
        try (Kvm kvm = Kvm.open()) {
            extendedTopology = kvm.supportedCpuid().stream().anyMatch(e -> e.function() == 0xb);
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MicroVmConfig config = new MicroVmConfig(16 << 20, CPUS, BootFile.of("smp.elf", kernel), null, "",
                CpuidFilter.NESTED_SAFE, console, List.of());
        List<Thread> threads;
        try (MicroVm vm = MicroVm.create(config)) {
            VcpuStop stop = vm.run(Duration.ofSeconds(60));
            assertEquals(new VcpuStop.GuestRequested("i8042 reset"), stop, console.toString());
            threads = vm.vcpuThreads();
        }
        assertEquals(CPUS, threads.size(), "one thread per vCPU");
        for (Thread t : threads) {
            assertFalse(t.isAlive(), t.getName() + " ended: close() kicked it out of its halt");
        }

        List<String> lines = console.toString().lines().toList();
        assertEquals(CPUS, lines.size(), console.toString());
        Set<Integer> apicIds = new TreeSet<>();
        for (String line : lines) {
            List<Integer> v = new ArrayList<>();
            for (String field : line.substring("cpu ".length()).trim().split(" ")) {
                v.add(Integer.parseUnsignedInt(field, 16));
            }
            int apicId = v.get(0);
            apicIds.add(apicId);
            assertEquals(apicId, v.get(1), "CPUID.1 EBX[31:24] is the local APIC's id: " + line);
            assertEquals(CPUS, v.get(2), "CPUID.1 EBX[23:16] counts every vCPU: " + line);
            if (extendedTopology) {
                assertEquals(apicId, v.get(3), "CPUID.0xB EDX is the x2APIC id: " + line);
                assertEquals(CPUS, v.get(4), "CPUID.0xB.1 EBX: processors at the core level: " + line);
            }
        }
        assertEquals(Set.of(0, 1, 2), apicIds, "each vCPU has its own APIC id, as the MADT lists them");
    }
}
