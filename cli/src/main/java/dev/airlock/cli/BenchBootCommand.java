package dev.airlock.cli;

import dev.airlock.netstack.StackConfig;
import dev.airlock.vmm.KvmSpeed;
import dev.airlock.vmm.MicroVm;
import dev.airlock.vmm.MicroVmConfig;
import dev.airlock.vmm.boot.BootFile;
import dev.airlock.vmm.boot.CpuidFilter;
import dev.airlock.vmm.exec.ExecChannel;
import dev.airlock.vmm.image.GuestImage;
import dev.airlock.vmm.virtio.console.VirtioConsole;
import dev.airlock.vmm.virtio.net.NetstackPort;
import dev.airlock.vmm.virtio.net.VirtioNet;
import dev.airlock.vmm.virtio.rng.VirtioRng;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The JVM side of {@code test/bench/boot/run.sh} (hidden from help): the host's KVM kind and
 * speed, boot-to-init of one microVM (the boot-timer port written by /init), and the resident
 * memory each additional VM adds to one JVM, with the part that is its own guest RAM. Prints {@code key=value} lines for the script.
 */
@Command(name = "bench-boot", hidden = true, description = "Boot benchmark helper for test/bench/boot/run.sh.")
final class BenchBootCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--image", paramLabel = "DIR")
    Path image;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60")
    long timeoutSeconds;

    @Option(names = "--vms", paramLabel = "N", defaultValue = "4")
    int vms;

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long the VMs run before memory is measured.")
    long settleSeconds;

    @Option(names = "--mem", paramLabel = "MIB", defaultValue = "256")
    int memMib;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        GuestImage img = GuestImage.open(image != null ? image : GuestImage.defaultDirectory());
        KvmSpeed speed = KvmSpeed.probe();
        out.println("kvm=" + speed.describe());
        out.println("kvm_instructions_per_second=" + String.format(Locale.ROOT, "%.0f", speed.instructionsPerSecond()));
        out.println("image=" + img.describe());
        out.flush();

        // The first VM stays up while the others are counted, so what they add is what an
        // additional VM costs (code loaded, boot files already shared).
        try (MicroVm first = MicroVm.create(config(img))) {
            first.start();
            try {
                Duration d = first.bootTimer().initReached().get(timeoutSeconds, TimeUnit.SECONDS);
                out.println("boot_to_init_ms=" + d.toMillis());
            } catch (TimeoutException e) {
                out.println("boot_to_init_ms=none (not reached within " + timeoutSeconds + " s)");
            }
            out.flush();

            long before = rssKib();
            List<MicroVm> running = new ArrayList<>();
            try {
                for (int i = 0; i < vms; i++) {
                    MicroVm vm = MicroVm.create(config(img));
                    vm.start();
                    running.add(vm);
                }
                Thread.sleep(settleSeconds * 1000);
                long after = rssKib();
                long guestKib = 0;
                for (MicroVm vm : running) {
                    guestKib += vm.guestRamResidentBytes() >> 10;
                }
                int n = Math.max(1, vms);
                out.println("vms=" + vms);
                out.println("rss_before_kib=" + before);
                out.println("rss_after_kib=" + after);
                out.println("rss_per_vm_kib=" + (after - before) / n);
                out.println("guest_ram_per_vm_kib=" + guestKib / n);
                out.println("beyond_guest_ram_per_vm_kib=" + (after - before - guestKib) / n);
                out.println("settle_seconds=" + settleSeconds);
            } finally {
                running.forEach(MicroVm::close);
            }
        }
        out.flush();
        return 0;
    }

    /** The same devices and command line as `airlock run`, with nothing behind the NIC. */
    private MicroVmConfig config(GuestImage img) throws java.io.IOException {
        ExecChannel channel = new ExecChannel(new ExecChannel.Output() {
            @Override
            public void stdout(byte[] bytes) {}

            @Override
            public void stderr(byte[] bytes) {}
        });
        return new MicroVmConfig((long) memMib << 20, 1, BootFile.read(img.kernel()), BootFile.read(img.initramfs()),
                MicroVmRunner.cmdline(StackConfig.defaults()), CpuidFilter.NESTED_SAFE, OutputStream.nullOutputStream(),
                List.of(new VirtioNet(new byte[] {2, (byte) 0xa1, 0x0c, 0, 0, 2}, new NetstackPort()), new VirtioConsole(channel),
                        new VirtioRng()));
    }

    /** Resident memory, counted page by page (VmRSS in /proc/self/status is a per-CPU approximation). */
    private static long rssKib() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) {
            if (line.startsWith("Rss:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
