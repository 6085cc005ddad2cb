package dev.airlock.vmm.vcpu;

import dev.airlock.vmm.bus.Bus;
import dev.airlock.vmm.kvm.KvmVcpu;
import dev.airlock.vmm.kvm.VcpuExit;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The run loop of one vCPU: enter the guest, dispatch each port-I/O and MMIO exit to its bus,
 * repeat until the guest halts or shuts down or the VM is asked to stop. Runs on the vCPU's own
 * thread (one thread per vCPU), bound to the vCPU for the loop's duration so that a stop
 * request can {@link KvmVcpu#kick() kick} it out of the guest.
 */
public final class VcpuRunner {

    private final KvmVcpu vcpu;
    private final Bus pio;
    private final Bus mmio;
    private final VmControl control;

    public VcpuRunner(KvmVcpu vcpu, Bus pio, Bus mmio, VmControl control) {
        this.vcpu = vcpu;
        this.pio = pio;
        this.mmio = mmio;
        this.control = control;
    }

    /** Runs until the vCPU stops, and says why. */
    public VcpuStop run() {
        vcpu.bindToCurrentThread();
        try {
            return loop();
        } finally {
            vcpu.unbindFromCurrentThread();
        }
    }

    private VcpuStop loop() {
        while (true) {
            VcpuStop requested = control.stopRequest();
            if (requested != null) {
                return requested;
            }
            VcpuExit exit = vcpu.run();
            VcpuStop stop = switch (exit) {
                case VcpuExit.Io io -> {
                    handleIo(io);
                    yield null;
                }
                case VcpuExit.Mmio m -> {
                    handleMmio(m);
                    yield null;
                }
                case VcpuExit.Interrupted i -> null;
                case VcpuExit.Hlt h -> new VcpuStop.Halted();
                case VcpuExit.Shutdown s -> new VcpuStop.GuestRequested("shutdown (triple fault or reset)");
                case VcpuExit.SystemEvent e -> new VcpuStop.GuestRequested("system event " + e.type());
                case VcpuExit.FailEntry f -> new VcpuStop.Failed("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x"
                        + Long.toHexString(f.hardwareReason()) + " on cpu " + f.cpu());
                case VcpuExit.InternalError e -> new VcpuStop.Failed("KVM_EXIT_INTERNAL_ERROR suberror " + e.suberror()
                        + " data " + Arrays.toString(e.data()));
                case VcpuExit.Other o -> new VcpuStop.Failed("unhandled KVM exit reason " + o.reason());
            };
            if (stop != null) {
                control.requestStop(stop);
                return stop;
            }
        }
    }

    private void handleIo(VcpuExit.Io io) {
        MemorySegment data = io.data();
        byte[] access = new byte[io.size()];
        for (int i = 0; i < io.count(); i++) {
            long at = (long) i * io.size();
            if (io.in()) {
                Arrays.fill(access, (byte) 0xff);
                pio.read(io.port(), access);
                MemorySegment.copy(access, 0, data, ValueLayout.JAVA_BYTE, at, access.length);
            } else {
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, access, 0, access.length);
                pio.write(io.port(), access);
            }
        }
    }

    private void handleMmio(VcpuExit.Mmio m) {
        byte[] access = new byte[(int) m.data().byteSize()];
        if (m.write()) {
            MemorySegment.copy(m.data(), ValueLayout.JAVA_BYTE, 0, access, 0, access.length);
            mmio.write(m.address(), access);
        } else {
            mmio.read(m.address(), access);
            MemorySegment.copy(access, 0, m.data(), ValueLayout.JAVA_BYTE, 0, access.length);
        }
    }
}
