package dev.airlock.vmm.virtio.transport;

import dev.airlock.vmm.bus.BusDevice;
import dev.airlock.vmm.bus.InterruptLine;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.metrics.Counters;
import dev.airlock.vmm.virtio.QueueConfig;
import dev.airlock.vmm.virtio.QueueFault;
import dev.airlock.vmm.virtio.VirtQueue;
import dev.airlock.vmm.virtio.VirtioDevice;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.VirtioInterrupt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The virtio-mmio transport, version 2 (virtio 1.2, section 4.2.2): one 4 KiB register window
 * per device. Registers below {@link MmioRegisters#CONFIG} are 32-bit and must be accessed with
 * aligned 32-bit reads and writes; anything else is ignored (reads return zero) and counted.
 *
 * <p>The transport owns the device status and feature negotiation: FEATURES_OK is refused
 * (left clear) when the driver accepts a feature that was not offered or does not accept
 * VIRTIO_F_VERSION_1; DRIVER_OK activates the device after checking every queue against guest
 * RAM, or sets DEVICE_NEEDS_RESET if one is bad. Writing status 0 resets the device.
 */
public final class MmioTransport implements BusDevice, VirtioInterrupt {

    /** Counters of register accesses the driver got wrong. */
    public enum Counter { BAD_REGISTER_ACCESSES, REFUSED_FEATURES, QUEUE_SETUP_FAILURES, NOTIFIES_WHILE_INACTIVE }

    private static final class QueueState {
        int size;
        boolean ready;
        long desc;
        long driver;
        long device;
    }

    private final VirtioDevice device;
    private final GuestMemory memory;
    private final InterruptLine irq;
    private final Counters<Counter> counters = new Counters<>(Counter.class);
    private final AtomicInteger interruptStatus = new AtomicInteger();
    private final QueueState[] queues;

    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private int queueSel;
    private int status;
    private int configGeneration;
    private boolean active;
    private String lastFailure;

    public MmioTransport(VirtioDevice device, GuestMemory memory, InterruptLine irq) {
        this.device = device;
        this.memory = memory;
        this.irq = irq;
        this.queues = new QueueState[device.queueCount()];
        resetState();
    }

    private void resetState() {
        for (int i = 0; i < queues.length; i++) {
            queues[i] = new QueueState();
            queues[i].size = device.maxQueueSize();
        }
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        queueSel = 0;
        status = 0;
        interruptStatus.set(0);
        active = false;
    }

    public VirtioDevice device() {
        return device;
    }

    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    public synchronized int status() {
        return status;
    }

    @Override
    public synchronized void read(long offset, byte[] data) {
        java.util.Arrays.fill(data, (byte) 0);
        if (offset >= MmioRegisters.CONFIG) {
            device.readConfig(offset - MmioRegisters.CONFIG, data);
            return;
        }
        if (data.length != 4 || (offset & 3) != 0) {
            counters.increment(Counter.BAD_REGISTER_ACCESSES);
            return;
        }
        int v = switch ((int) offset) {
            case MmioRegisters.MAGIC -> MmioRegisters.MAGIC_VALUE;
            case MmioRegisters.VERSION -> 2;
            case MmioRegisters.DEVICE_ID -> device.deviceType();
            case MmioRegisters.VENDOR_ID -> MmioRegisters.VENDOR;
            case MmioRegisters.DEVICE_FEATURES -> deviceFeaturesSel > 1 ? 0
                    : (int) (device.offeredFeatures() >>> (32 * deviceFeaturesSel));
            case MmioRegisters.QUEUE_NUM_MAX -> selected() != null ? device.maxQueueSize() : 0;
            case MmioRegisters.QUEUE_READY -> selected() != null && selected().ready ? 1 : 0;
            case MmioRegisters.INTERRUPT_STATUS -> interruptStatus.get();
            case MmioRegisters.STATUS -> status;
            case MmioRegisters.CONFIG_GENERATION -> configGeneration;
            case MmioRegisters.SHM_LEN_LOW, MmioRegisters.SHM_LEN_HIGH,
                 MmioRegisters.SHM_BASE_LOW, MmioRegisters.SHM_BASE_HIGH -> -1; // no shared memory regions
            default -> {
                counters.increment(Counter.BAD_REGISTER_ACCESSES);
                yield 0;
            }
        };
        MmioRegisters.putLe32(data, v);
    }

    private QueueState selected() {
        return queueSel < queues.length ? queues[queueSel] : null;
    }

    @Override
    public void write(long offset, byte[] data) {
        Runnable after = null;
        synchronized (this) {
            if (offset >= MmioRegisters.CONFIG) {
                device.writeConfig(offset - MmioRegisters.CONFIG, data);
                return;
            }
            if (data.length != 4 || (offset & 3) != 0) {
                counters.increment(Counter.BAD_REGISTER_ACCESSES);
                return;
            }
            int v = MmioRegisters.getLe32(data);
            switch ((int) offset) {
                case MmioRegisters.DEVICE_FEATURES_SEL -> deviceFeaturesSel = v;
                case MmioRegisters.DRIVER_FEATURES -> writeDriverFeatures(v);
                case MmioRegisters.DRIVER_FEATURES_SEL -> driverFeaturesSel = v;
                case MmioRegisters.QUEUE_SEL -> queueSel = v;
                case MmioRegisters.QUEUE_NUM -> writeQueue(q -> q.size = v);
                case MmioRegisters.QUEUE_READY -> writeQueue(q -> q.ready = (v & 1) != 0);
                case MmioRegisters.QUEUE_DESC_LOW -> writeQueue(q -> q.desc = low(q.desc, v));
                case MmioRegisters.QUEUE_DESC_HIGH -> writeQueue(q -> q.desc = high(q.desc, v));
                case MmioRegisters.QUEUE_DRIVER_LOW -> writeQueue(q -> q.driver = low(q.driver, v));
                case MmioRegisters.QUEUE_DRIVER_HIGH -> writeQueue(q -> q.driver = high(q.driver, v));
                case MmioRegisters.QUEUE_DEVICE_LOW -> writeQueue(q -> q.device = low(q.device, v));
                case MmioRegisters.QUEUE_DEVICE_HIGH -> writeQueue(q -> q.device = high(q.device, v));
                case MmioRegisters.QUEUE_NOTIFY -> after = notifyQueue(v);
                case MmioRegisters.INTERRUPT_ACK -> interruptStatus.getAndUpdate(s -> s & ~v);
                case MmioRegisters.STATUS -> writeStatus(v);
                default -> counters.increment(Counter.BAD_REGISTER_ACCESSES);
            }
        }
        if (after != null) {
            after.run(); // device work runs outside the register lock: it may signal interrupts
        }
    }

    private static long low(long old, int v) {
        return (old & 0xffff_ffff_0000_0000L) | Integer.toUnsignedLong(v);
    }

    private static long high(long old, int v) {
        return (old & 0xffff_ffffL) | ((long) v << 32);
    }

    private void writeQueue(java.util.function.Consumer<QueueState> change) {
        QueueState q = selected();
        // Queue registers may only change before DRIVER_OK (and never for a queue that does not exist).
        if (q == null || active || (status & MmioRegisters.STATUS_FEATURES_OK) == 0) {
            counters.increment(Counter.BAD_REGISTER_ACCESSES);
            return;
        }
        change.accept(q);
    }

    private void writeDriverFeatures(int v) {
        if ((status & MmioRegisters.STATUS_FEATURES_OK) != 0 || driverFeaturesSel > 1) {
            counters.increment(Counter.BAD_REGISTER_ACCESSES);
            return;
        }
        int shift = 32 * driverFeaturesSel;
        driverFeatures = (driverFeatures & ~(0xffff_ffffL << shift)) | (Integer.toUnsignedLong(v) << shift);
    }

    private Runnable notifyQueue(int index) {
        if (!active || index < 0 || index >= queues.length) {
            counters.increment(Counter.NOTIFIES_WHILE_INACTIVE);
            return null;
        }
        return () -> device.notifyQueue(index);
    }

    private void writeStatus(int v) {
        if (v == 0) {
            if (active) {
                device.reset();
            }
            resetState();
            return;
        }
        int added = v & ~status;
        if ((v & status) != status) {
            // Clearing individual bits is not allowed; only a write of 0 resets.
            counters.increment(Counter.BAD_REGISTER_ACCESSES);
            return;
        }
        if ((added & MmioRegisters.STATUS_FEATURES_OK) != 0) {
            long offered = device.offeredFeatures();
            if ((driverFeatures & ~offered) != 0 || !VirtioFeatures.has(driverFeatures, VirtioFeatures.VERSION_1)) {
                counters.increment(Counter.REFUSED_FEATURES);
                v &= ~MmioRegisters.STATUS_FEATURES_OK;
            }
        }
        status = v;
        if ((added & MmioRegisters.STATUS_DRIVER_OK) != 0 && !active) {
            activate();
        }
    }

    private void activate() {
        if ((status & MmioRegisters.STATUS_FEATURES_OK) == 0) {
            counters.increment(Counter.QUEUE_SETUP_FAILURES);
            needsResetLocked("DRIVER_OK without FEATURES_OK");
            return;
        }
        List<VirtQueue> built = new ArrayList<>();
        for (int i = 0; i < queues.length; i++) {
            QueueState q = queues[i];
            QueueConfig c = new QueueConfig(q.size, q.desc, q.driver, q.device);
            Optional<QueueFault> fault = q.ready ? VirtQueue.check(memory, c, device.maxQueueSize())
                    : Optional.empty();
            if (fault.isPresent()) {
                counters.increment(Counter.QUEUE_SETUP_FAILURES);
                needsResetLocked("queue " + i + ": " + fault.get().description());
                return;
            }
            built.add(q.ready ? VirtQueue.create(memory, c, device.maxQueueSize(), driverFeatures) : null);
        }
        active = true;
        device.activate(memory, driverFeatures, built, this);
    }

    @Override
    public void usedBuffers() {
        interruptStatus.getAndUpdate(s -> s | MmioRegisters.INTERRUPT_USED_BUFFER);
        irq.pulse();
    }

    @Override
    public synchronized void configChanged() {
        configGeneration++;
        interruptStatus.getAndUpdate(s -> s | MmioRegisters.INTERRUPT_CONFIG_CHANGE);
        irq.pulse();
    }

    @Override
    public synchronized void needsReset(String reason) {
        needsResetLocked(reason);
    }

    private void needsResetLocked(String reason) {
        if ((status & MmioRegisters.STATUS_NEEDS_RESET) != 0) {
            return;
        }
        status |= MmioRegisters.STATUS_NEEDS_RESET;
        lastFailure = reason;
        interruptStatus.getAndUpdate(s -> s | MmioRegisters.INTERRUPT_CONFIG_CHANGE);
        irq.pulse();
    }

    /** Why the device last entered DEVICE_NEEDS_RESET, for the operator's log; null if it never did. */
    public synchronized String lastFailure() {
        return lastFailure;
    }
}
