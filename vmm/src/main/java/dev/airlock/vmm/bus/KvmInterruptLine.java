package dev.airlock.vmm.bus;

import dev.airlock.vmm.kvm.KvmVm;

/** An interrupt line of KVM's in-kernel irqchip, driven with KVM_IRQ_LINE. */
public final class KvmInterruptLine implements InterruptLine {

    private final KvmVm vm;
    private final int gsi;

    public KvmInterruptLine(KvmVm vm, int gsi) {
        this.vm = vm;
        this.gsi = gsi;
    }

    @Override
    public void set(boolean high) {
        vm.irqLine(gsi, high);
    }
}
