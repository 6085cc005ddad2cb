package dev.airlock.vmm.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.vmm.testing.Toolchain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's /init under the host's busybox sh, in its dry-run mode: the commands it would
 * run, in order, for a given kernel command line and module list.
 */
class InitScriptTest {

    @Test
    void initLoadsModulesConfiguresTheNetworkStartsTheAgentAndResets(@TempDir Path root) throws Exception {
        Toolchain.assumeTools("busybox");
        Files.createDirectories(root.resolve("etc/airlock"));
        Files.writeString(root.resolve("etc/airlock/modules"), "virtio\nvirtio_ring\nvirtio_mmio\nvirtio_net\n");
        Path cmdline = root.resolve("cmdline");
        Files.writeString(cmdline, "console=ttyS0 reboot=k airlock.ip=198.18.0.2/24 airlock.gw=198.18.0.1 airlock.dns=198.18.0.1 quiet\n");
        Path init = root.resolve("init");
        Files.write(init, Initramfs.initScript());

        ProcessBuilder pb = new ProcessBuilder("busybox", "sh", init.toString()).redirectErrorStream(true);
        pb.environment().put("AIRLOCK_DRY_RUN", "1");
        pb.environment().put("AIRLOCK_ROOT", root.toString());
        pb.environment().put("AIRLOCK_CMDLINE", cmdline.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of(
                "+ /bin/airlock-agent --boot-mark",
                "airlock-init: started",
                "+ mount -t proc proc /proc",
                "+ mount -t sysfs sysfs /sys",
                "+ mount -t devtmpfs devtmpfs /dev",
                "+ insmod /lib/modules/virtio.ko",
                "+ insmod /lib/modules/virtio_ring.ko",
                "+ insmod /lib/modules/virtio_mmio.ko",
                "+ insmod /lib/modules/virtio_net.ko",
                "+ hostname airlock",
                "+ ip link set lo up",
                "+ ip link set eth0 up",
                "+ ip addr add 198.18.0.2/24 dev eth0",
                "+ ip route add default via 198.18.0.1",
                "airlock-init: exec agent on hvc0",
                "+ /bin/airlock-agent /dev/hvc0",
                "+ sync",
                "+ reboot -f"), out.lines().toList());
        assertEquals("nameserver 198.18.0.1\n", Files.readString(root.resolve("etc/resolv.conf")), "DNS points at airlock");
    }
}
