package dev.airlock.vmm;

import dev.airlock.vmm.boot.BootFile;
import dev.airlock.vmm.boot.CpuidFilter;
import dev.airlock.vmm.exec.ExecChannel;
import dev.airlock.vmm.virtio.console.VirtioConsole;
import dev.airlock.vmm.virtio.net.NetstackPort;
import dev.airlock.vmm.virtio.net.VirtioNet;
import dev.airlock.vmm.virtio.rng.VirtioRng;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The measurement behind {@link MemoryPerVmTest}, run in a JVM of its own whose heap is fixed
 * and pre-touched ({@code -Xms = -Xmx}, {@code -XX:+AlwaysPreTouch}), so that the resident
 * memory it reports moves only with what the VMs add, not with the heap growing or shrinking:
 * Java objects the VMs keep are counted separately as live heap after a full GC.
 *
 * <p>{@code MemoryPerVm KERNEL INITRD VMS}: boots a first VM, then {@code VMS} more, all running, each with the device set of
 * {@code airlock run} and its kernel and initrd read through {@link BootFile#read} as
 * {@code airlock run} does, waits until every guest has run, and prints {@code key=value} lines:
 * resident memory before and after (from /proc/self/smaps_rollup, which counts page by page;
 * VmRSS is a per-CPU approximation), guest RAM resident (mincore over each VM's RAM) and live
 * heap before and after.
 */
public final class MemoryPerVm {

    static final long GUEST_RAM = 256L << 20;

    private MemoryPerVm() {}

    public static void main(String[] args) throws Exception {
        Path kernel = Path.of(args[0]);
        Path initrd = Path.of(args[1]);
        int count = Integer.parseInt(args[2]);
        // The first VM stays up while the others are counted: what they add is what an additional
        // VM costs, with classes loaded, code compiled and the boot files already in memory.
        MicroVm first = boot(kernel, initrd);
        long heapBefore = liveHeap();
        long rssBefore = rss();
        List<MicroVm> vms = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            vms.add(boot(kernel, initrd));
        }
        long rssAfter = rss();
        long guest = 0;
        for (MicroVm vm : vms) {
            guest += vm.guestRamResidentBytes();
        }
        long heapAfter = liveHeap();
        System.out.println("vms=" + count);
        System.out.println("guest_ram_mib=" + (GUEST_RAM >> 20));
        System.out.println("rss_before_kib=" + (rssBefore >> 10));
        System.out.println("rss_after_kib=" + (rssAfter >> 10));
        System.out.println("guest_ram_resident_kib=" + (guest >> 10));
        System.out.println("live_heap_before_kib=" + (heapBefore >> 10));
        System.out.println("live_heap_after_kib=" + (heapAfter >> 10));
        for (MicroVm vm : vms) {
            vm.close();
        }
        first.close();
    }

    /** Builds and starts one VM and waits until its guest has run (it halts right after). */
    static MicroVm boot(Path kernel, Path initrd) throws Exception {
        ExecChannel channel = new ExecChannel(new ExecChannel.Output() {
            @Override
            public void stdout(byte[] bytes) {}

            @Override
            public void stderr(byte[] bytes) {}
        });
        MicroVmConfig config = new MicroVmConfig(GUEST_RAM, 1, BootFile.read(kernel), BootFile.read(initrd),
                "console=ttyS0", CpuidFilter.NESTED_SAFE, OutputStream.nullOutputStream(),
                List.of(new VirtioNet(new byte[] {2, 0, 0, 0, 0, 1}, new NetstackPort()), new VirtioConsole(channel),
                        new VirtioRng()));
        MicroVm vm = MicroVm.create(config);
        vm.start();
        vm.bootTimer().initReached().get(60, TimeUnit.SECONDS);
        return vm;
    }

    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
            if (line.startsWith("Rss:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
            }
        }
        throw new IOException("no Rss in /proc/self/smaps_rollup");
    }
}
