package dev.airlock.vmm;

import dev.airlock.vmm.bus.Bus;
import dev.airlock.vmm.kvm.Kvm;
import dev.airlock.vmm.kvm.KvmVcpu;
import dev.airlock.vmm.kvm.KvmVm;
import dev.airlock.vmm.kvm.Registers;
import dev.airlock.vmm.kvm.Segment;
import dev.airlock.vmm.kvm.SpecialRegisters;
import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.vcpu.VcpuRunner;
import dev.airlock.vmm.vcpu.VcpuStop;
import dev.airlock.vmm.vcpu.VmControl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How fast this host's KVM runs guest code, measured by a tight real-mode loop
 * ({@code dec ecx; jnz}). Hardware-assisted KVM runs billions of such instructions per second;
 * nested KVM without hardware help for the inner guest runs about a million, and then a Linux
 * kernel does not even finish decompressing in minutes. airlock uses the figure to choose
 * microVM isolation by default and to skip tests that boot Linux.
 *
 * @param instructionsPerSecond guest instructions per second, or 0 when KVM is unusable
 * @param unusable              why KVM cannot be used (no /dev/kvm, errno), or null
 */
public record KvmSpeed(double instructionsPerSecond, String unusable) {

    /** Below this a Linux boot takes longer than anyone waits for a sandbox. */
    public static final double FAST_ENOUGH = 100e6;
    /** Loop iterations: ~0.3 ms on hardware KVM, ~0.4 s on the slow nested hosts it exists to detect. */
    static final int ITERATIONS = 300_000;

    private static volatile KvmSpeed cached;

    /** Measures once per process. */
    public static KvmSpeed probe() {
        KvmSpeed s = cached;
        if (s == null) {
            s = measure();
            cached = s;
        }
        return s;
    }

    public boolean fastEnough() {
        return unusable == null && instructionsPerSecond >= FAST_ENOUGH;
    }

    /** For the user: "KVM runs at 1.2 M instr/s (kvm_intel, nested: ...)". */
    public String describe() {
        if (unusable != null) {
            return "KVM is not usable: " + unusable;
        }
        return String.format(Locale.ROOT, "KVM runs at %s instr/s (%s)", human(instructionsPerSecond), hostKind());
    }

    /** Why a full Linux boot is not attempted, or null when KVM is fast enough. */
    public String slowReason() {
        if (fastEnough()) {
            return null;
        }
        if (unusable != null) {
            return describe();
        }
        return describe() + "; a full Linux boot needs hardware-speed KVM (at least " + human(FAST_ENOUGH) + " instr/s)";
    }

    private static String human(double v) {
        return v >= 1e9 ? String.format(Locale.ROOT, "%.1f G", v / 1e9) : String.format(Locale.ROOT, "%.1f M", v / 1e6);
    }

    /**
     * Which KVM module is loaded and whether this host is itself a guest (the CPU reports the
     * hypervisor flag), in which case KVM here is nested.
     */
    public static String hostKind() {
        // kvm_pvm is PVM, KVM implemented with shadow paging instead of VMX/SVM: what a cloud VM
        // without nested virtualization offers, and the slowest kind.
        String module = Files.isDirectory(Path.of("/sys/module/kvm_intel")) ? "kvm_intel"
                : Files.isDirectory(Path.of("/sys/module/kvm_amd")) ? "kvm_amd"
                : Files.isDirectory(Path.of("/sys/module/kvm_pvm")) ? "kvm_pvm, software-assisted (no VMX/SVM)" : "kvm";
        boolean guest = false;
        try {
            guest = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .anyMatch(l -> l.startsWith("flags") && l.contains(" hypervisor"));
        } catch (IOException ignored) {
            // not Linux, or /proc not mounted: say nothing about nesting
        }
        return module + (guest ? ", nested (this host is itself a VM)" : "");
    }

    private static KvmSpeed measure() {
        String reason = Kvm.unavailableReason();
        if (reason != null) {
            return new KvmSpeed(0, reason);
        }
        try (Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm(); GuestMemory memory = GuestMemory.allocate(1 << 20)) {
            vm.setTssAddress(AddressMap.KVM_TSS_ADDRESS);
            vm.setIdentityMapAddress(AddressMap.KVM_IDENTITY_MAP_ADDRESS);
            vm.setUserMemoryRegion(0, 0, memory.hostSegment());
            int n = ITERATIONS;
            // 16-bit real mode at 0x1000: mov ecx, n; 1: dec ecx; jnz 1b; hlt
            memory.write(0x1000, new byte[] {0x66, (byte) 0xb9, (byte) n, (byte) (n >>> 8), (byte) (n >>> 16),
                    (byte) (n >>> 24), 0x66, 0x49, 0x75, (byte) 0xfc, (byte) 0xf4});
            try (KvmVcpu vcpu = vm.createVcpu(0)) {
                SpecialRegisters s = vcpu.specialRegisters();
                Segment cs = s.cs;
                s.cs = new Segment(0, 0xffff, 0, cs.type(), cs.present(), cs.dpl(), cs.db(), cs.s(), cs.l(), cs.g(),
                        cs.avl(), false);
                vcpu.setSpecialRegisters(s);
                Registers r = new Registers();
                r.rip = 0x1000;
                r.rflags = 2;
                vcpu.setRegisters(r);
                long start = System.nanoTime();
                VcpuStop stop = new VcpuRunner(vcpu, new Bus("pio"), new Bus("mmio"), new VmControl()).run();
                long nanos = Math.max(1, System.nanoTime() - start);
                if (!(stop instanceof VcpuStop.Halted)) {
                    return new KvmSpeed(0, "the speed probe guest stopped unexpectedly: " + stop);
                }
                return new KvmSpeed(2.0 * n / (nanos / 1e9), null);
            }
        } catch (RuntimeException e) {
            return new KvmSpeed(0, e.getMessage());
        }
    }
}
