package dev.airlock.vmm;

import dev.airlock.vmm.acpi.AcpiTables;
import dev.airlock.vmm.boot.BootException;
import dev.airlock.vmm.boot.LinuxLoader;
import dev.airlock.vmm.boot.PvhLoader;
import dev.airlock.vmm.boot.VcpuBoot;
import dev.airlock.vmm.bus.Bus;
import dev.airlock.vmm.bus.KvmInterruptLine;
import dev.airlock.vmm.kvm.Kvm;
import dev.airlock.vmm.kvm.KvmVcpu;
import dev.airlock.vmm.kvm.KvmVm;
import dev.airlock.vmm.legacy.BootTimer;
import dev.airlock.vmm.legacy.I8042;
import dev.airlock.vmm.legacy.Serial8250;
import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.vcpu.VcpuRunner;
import dev.airlock.vmm.vcpu.VcpuStop;
import dev.airlock.vmm.vcpu.VmControl;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One microVM, assembled in explicit steps: KVM VM with in-kernel irqchip and PIT, guest RAM,
 * COM1 and the i8042, the virtio-mmio devices, ACPI tables describing them, the kernel (bzImage
 * or PVH ELF), and vCPUs with filtered CPUID. {@link #run} starts one thread per vCPU.
 */
public final class MicroVm implements AutoCloseable {

    /**
     * Kept for the VM's lifetime: it holds the {@link dev.airlock.vmm.boot.BootFile}s, which
     * stay shared with every other VM booting the same files only while some VM refers to them.
     */
    private final MicroVmConfig config;
    private final Kvm kvm;
    private final KvmVm vm;
    private final GuestMemory memory;
    private final List<KvmVcpu> vcpus = new ArrayList<>();
    private final Bus pio = new Bus("pio");
    private final Bus mmio = new Bus("mmio");
    private final VmControl control = new VmControl();
    private final Serial8250 serial;
    private final BootTimer bootTimer = new BootTimer();
    private final List<MmioTransport> transports = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** "\x7fELF" read as a little-endian int. */
    private static final int ELF_MAGIC = 0x464c457f;
    /** How long {@link #close()} waits for kicked vCPU threads to leave the guest. */
    static final Duration THREAD_EXIT_TIMEOUT = Duration.ofSeconds(5);

    private MicroVm(MicroVmConfig config) throws BootException {
        if (config.devices().size() > AddressMap.VIRTIO_MAX_DEVICES) {
            throw new IllegalArgumentException("at most " + AddressMap.VIRTIO_MAX_DEVICES + " virtio devices");
        }
        this.config = config;
        kvm = Kvm.open();
        vm = kvm.createVm();
        vm.setTssAddress(AddressMap.KVM_TSS_ADDRESS);
        vm.setIdentityMapAddress(AddressMap.KVM_IDENTITY_MAP_ADDRESS);
        vm.createIrqchip();
        vm.createPit2();
        memory = GuestMemory.allocate(config.memoryBytes());
        vm.setUserMemoryRegion(0, 0, memory.hostSegment());

        serial = new Serial8250(config.console(), new KvmInterruptLine(vm, AddressMap.COM1_IRQ));
        pio.register(AddressMap.COM1_PORT, 8, serial);
        new I8042(() -> control.requestStop(new VcpuStop.GuestRequested("i8042 reset"))).register(pio);
        pio.register(AddressMap.BOOT_TIMER_PORT, 1, bootTimer);

        List<AcpiTables.MmioDevice> described = new ArrayList<>();
        for (int i = 0; i < config.devices().size(); i++) {
            MmioTransport t = new MmioTransport(config.devices().get(i), memory,
                    new KvmInterruptLine(vm, AddressMap.virtioIrq(i)));
            mmio.register(AddressMap.virtioMmioAddress(i), AddressMap.VIRTIO_MMIO_STRIDE, t);
            transports.add(t);
            described.add(new AcpiTables.MmioDevice(AddressMap.virtioMmioAddress(i), AddressMap.VIRTIO_MMIO_STRIDE,
                    AddressMap.virtioIrq(i)));
        }
        long rsdp = AcpiTables.write(memory, config.vcpus(), described).rsdp();

        var supported = kvm.supportedCpuid();
        for (int id = 0; id < config.vcpus(); id++) {
            KvmVcpu vcpu = vm.createVcpu(id);
            vcpu.setCpuid(config.cpuid().apply(supported, id, config.vcpus()));
            vcpus.add(vcpu);
        }
        KvmVcpu boot = vcpus.get(0);
        MemorySegment kernel = config.kernel().bytes();
        MemorySegment initrd = config.initrd() == null ? null : config.initrd().bytes();
        if (isElf(kernel)) {
            PvhLoader.Loaded l = PvhLoader.load(memory, kernel, config.cmdline(), initrd, rsdp);
            VcpuBoot.enterPvh(boot, memory, l.entry(), l.startInfo());
        } else {
            LinuxLoader.Loaded l = LinuxLoader.load(memory, kernel, config.cmdline(), initrd, rsdp);
            VcpuBoot.enterLongMode(boot, memory, l.entry(), l.bootParams());
        }
    }

    /** Builds the VM; nothing runs until {@link #run}. */
    public static MicroVm create(MicroVmConfig config) throws BootException {
        return new MicroVm(config);
    }

    private static boolean isElf(MemorySegment image) {
        return image.byteSize() >= 4 && image.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) == ELF_MAGIC;
    }

    public Serial8250 serial() {
        return serial;
    }

    /** Completes when the guest's /init reports that userspace started. */
    public BootTimer bootTimer() {
        return bootTimer;
    }

    /**
     * Starts one thread per vCPU; the future completes when the VM stops (the first vCPU to
     * stop decides why, and stops the others).
     */
    public synchronized CompletableFuture<VcpuStop> start() {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("the VM was already started");
        }
        CompletableFuture<VcpuStop> first = new CompletableFuture<>();
        bootTimer.start();
        for (KvmVcpu vcpu : vcpus) {
            Thread t = Thread.ofPlatform().daemon().name("vcpu-" + vcpu.id()).start(() -> {
                VcpuStop stop;
                try {
                    stop = new VcpuRunner(vcpu, pio, mmio, control).run();
                } catch (RuntimeException e) {
                    stop = new VcpuStop.Failed("vCPU " + vcpu.id() + ": " + e.getMessage());
                }
                // The other vCPUs may be halted in the guest, or still waiting for their
                // start-up IPI: only a kick brings them back to notice that the VM stopped.
                control.requestStop(stop);
                kickAll();
                first.complete(control.stopRequest());
            });
            threads.add(t);
        }
        return first;
    }

    /** Starts the VM and waits until it stops or {@code timeout} passes. */
    public VcpuStop run(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            requestStop("timed out after " + timeout);
            throw e;
        }
    }

    /**
     * Stops every vCPU: each is kicked out of the guest (running, halted, or waiting for its
     * start-up IPI) and its thread ends. Returns at once; {@link #close()} waits for the threads.
     */
    public void requestStop(String why) {
        control.requestStop(new VcpuStop.Requested(why));
        kickAll();
    }

    private void kickAll() {
        for (KvmVcpu vcpu : vcpus) {
            vcpu.kick();
        }
    }

    /** The vCPU threads, for tests that check none is left behind. */
    List<Thread> vcpuThreads() {
        synchronized (this) {
            return List.copyOf(threads);
        }
    }

    /** Guest RAM resident in host memory now: the part of this VM's memory the guest has touched. */
    public long guestRamResidentBytes() {
        return memory.residentBytes();
    }

    /** Counters of every device, by device ("uart", "virtio0:net", ...). */
    public Map<String, Map<String, Long>> counters() {
        Map<String, Map<String, Long>> all = new LinkedHashMap<>();
        all.put("uart", serial.counters());
        for (int i = 0; i < transports.size(); i++) {
            Map<String, Long> c = new LinkedHashMap<>(transports.get(i).counters());
            c.putAll(transports.get(i).device().counters());
            all.put("virtio" + i + ":type" + transports.get(i).device().deviceType(), c);
        }
        return all;
    }

    /**
     * Stops the VM if it still runs, waits for its vCPU threads, and releases it. A vCPU whose
     * thread has not ended within {@link #THREAD_EXIT_TIMEOUT} (a kick that could not be
     * delivered) keeps its file descriptor and kvm_run mapping, and with it the VM and guest
     * RAM: they are never released under a thread that may still be inside KVM_RUN.
     */
    @Override
    public void close() {
        requestStop("closed");
        long deadline = System.nanoTime() + THREAD_EXIT_TIMEOUT.toNanos();
        boolean anyRunning = false;
        List<Thread> started = vcpuThreads();
        for (int i = 0; i < vcpus.size(); i++) {
            Thread t = i < started.size() ? started.get(i) : null;
            if (t != null && !join(t, deadline)) {
                anyRunning = true;
            } else {
                vcpus.get(i).close();
            }
        }
        if (!anyRunning) {
            vm.close();
            memory.close();
        }
        kvm.close();
    }

    private static boolean join(Thread t, long deadlineNanos) {
        try {
            return t.join(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !t.isAlive();
        }
    }
}
