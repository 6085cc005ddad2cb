package dev.airlock.vmm.vcpu;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The VM-wide stop flag that devices (the i8042 reset) and the monitor set, and that every vCPU
 * loop checks after each exit.
 */
public final class VmControl {

    private final AtomicReference<VcpuStop> stop = new AtomicReference<>();

    /** Requests the VM to stop; the first request wins. */
    public void requestStop(VcpuStop why) {
        stop.compareAndSet(null, why);
    }

    /** The pending stop request, or null while the VM should keep running. */
    public VcpuStop stopRequest() {
        return stop.get();
    }
}
