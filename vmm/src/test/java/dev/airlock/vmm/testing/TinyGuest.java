package dev.airlock.vmm.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A tiny VM for KVM plumbing tests: some RAM, one vCPU, a port and an MMIO bus, the run loop on
 * its own daemon thread. Tests skip (naming /dev/kvm and the errno) where KVM cannot be opened.
 */
public final class TinyGuest implements AutoCloseable {

    public final Kvm kvm;
    public final KvmVm vm;
    public final GuestMemory memory;
    public final KvmVcpu vcpu;
    public final Bus pio = new Bus("pio");
    public final Bus mmio = new Bus("mmio");
    public final VmControl control = new VmControl();

    private TinyGuest(long ramSize, boolean irqchip) {
        kvm = Kvm.open();
        vm = kvm.createVm();
        vm.setTssAddress(AddressMap.KVM_TSS_ADDRESS);
        vm.setIdentityMapAddress(AddressMap.KVM_IDENTITY_MAP_ADDRESS);
        if (irqchip) {
            vm.createIrqchip();
        }
        memory = GuestMemory.allocate(ramSize);
        vm.setUserMemoryRegion(0, 0, memory.hostSegment());
        vcpu = vm.createVcpu(0);
    }

    /** Skips the test unless /dev/kvm opens; then builds the VM. */
    public static TinyGuest create(long ramSize, boolean irqchip) {
        String reason = Kvm.unavailableReason();
        assumeTrue(reason == null, () -> "skipping: KVM is not usable here: " + reason);
        return new TinyGuest(ramSize, irqchip);
    }

    /** Points the vCPU at {@code entry} in 16-bit real mode with flat zero-based segments. */
    public void realMode(long entry) {
        SpecialRegisters s = vcpu.specialRegisters();
        Segment cs = s.cs;
        s.cs = new Segment(0, 0xffff, 0, cs.type(), cs.present(), cs.dpl(), cs.db(), cs.s(), cs.l(), cs.g(), cs.avl(), false);
        vcpu.setSpecialRegisters(s);
        Registers r = new Registers();
        r.rip = entry;
        r.rsp = 0x8000;
        vcpu.setRegisters(r);
    }

    /** Starts the run loop on a daemon thread; the future completes when it stops. */
    public CompletableFuture<VcpuStop> start() {
        CompletableFuture<VcpuStop> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("vcpu-0").start(() -> {
            try {
                result.complete(new VcpuRunner(vcpu, pio, mmio, control).run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Runs the guest on a daemon thread; fails the test if it has not stopped within {@code seconds}. */
    public VcpuStop run(int seconds) throws Exception {
        try {
            return start().get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("guest did not stop within " + seconds + " s (vCPU thread left running in the guest)");
        }
    }

    @Override
    public void close() {
        vcpu.close();
        vm.close();
        memory.close();
        kvm.close();
    }
}
