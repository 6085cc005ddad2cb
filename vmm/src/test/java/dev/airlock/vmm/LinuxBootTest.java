package dev.airlock.vmm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.vmm.boot.BootFile;
import dev.airlock.vmm.boot.CpuidFilter;
import dev.airlock.vmm.image.CpioWriter;
import dev.airlock.vmm.kvm.Kvm;
import dev.airlock.vmm.virtio.rng.VirtioRng;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Opt-in: boots a real Linux bzImage until its console prints "Linux version". Set
 * {@code AIRLOCK_TEST_KERNEL} to a bzImage (e.g. a distribution's /boot/vmlinuz) and optionally
 * {@code AIRLOCK_TEST_KERNEL_SECONDS} (default 60). Skipped otherwise: on nested,
 * software-assisted KVM a kernel does not get that far in any reasonable time (docs/vmm.md).
 */
class LinuxBootTest {

    @Test
    void aLinuxKernelReachesItsConsole() throws Exception {
        String kernelPath = System.getenv("AIRLOCK_TEST_KERNEL");
        assumeTrue(kernelPath != null, "set AIRLOCK_TEST_KERNEL=/path/to/bzImage to boot a real kernel");
        String reason = Kvm.unavailableReason();
        assumeTrue(reason == null, () -> "skipping: KVM is not usable here: " + reason);
        int seconds = Integer.parseInt(System.getenv().getOrDefault("AIRLOCK_TEST_KERNEL_SECONDS", "60"));

        ByteArrayOutputStream initrd = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(initrd, 0)) {
            w.directory("dev", 0755);
        }
        CompletableFuture<String> banner = new CompletableFuture<>();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        OutputStream console = new OutputStream() {
            @Override
            public synchronized void write(int b) {
                seen.write(b);
                String text = seen.toString(StandardCharsets.US_ASCII);
                if (text.contains("Linux version")) {
                    banner.complete(text);
                }
            }
        };
        MicroVmConfig config = new MicroVmConfig(256 << 20, 1, BootFile.read(Path.of(kernelPath)),
                BootFile.of("initrd", initrd.toByteArray()), "console=ttyS0 earlyprintk=serial,ttyS0 reboot=k panic=-1",
                CpuidFilter.NESTED_SAFE, console, List.of(new VirtioRng()));
        try (MicroVm vm = MicroVm.create(config)) {
            vm.start();
            String text = banner.get(seconds, TimeUnit.SECONDS);
            assertTrue(text.contains("Linux version"), text);
            vm.requestStop("test finished");
        }
    }
}
