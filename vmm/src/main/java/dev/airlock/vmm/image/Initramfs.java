package dev.airlock.vmm.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Assembles the guest's initramfs (cpio newc, gzip-compressed: every Debian kernel has
 * {@code CONFIG_RD_GZIP}) from its parts: busybox with one symlink per applet, the exec agent,
 * the kernel modules in load order, and {@code /init}. The archive is reproducible: fixed
 * mtime, owner root, entries in a fixed order.
 *
 * @param busybox     a static busybox binary
 * @param applets     applet names to link to it (from {@code busybox --list})
 * @param agent       the static {@code airlock-agent} binary
 * @param modules     module name → {@code .ko} file, in load order
 */
public record Initramfs(Path busybox, List<String> applets, Path agent, Map<String, Path> modules) {

    /** The archive's timestamp: images built from the same inputs are byte-identical. */
    static final long MTIME = 0;

    public Initramfs {
        applets = List.copyOf(applets);
        modules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(modules));
    }

    /** The init script shipped in the vmm jar. */
    public static byte[] initScript() throws IOException {
        return resource("init.sh");
    }

    /** The exec agent's C source shipped in the vmm jar. */
    public static byte[] agentSource() throws IOException {
        return resource("airlock-agent.c");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Initramfs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the airlock build");
            }
            return in.readAllBytes();
        }
    }

    /** The gzip-compressed archive. */
    public byte[] write() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes, 1 << 16); CpioWriter w = new CpioWriter(gz, MTIME)) {
            for (String d : List.of("bin", "dev", "etc", "etc/airlock", "etc/ssl", "etc/ssl/certs", "lib", "lib/modules",
                    "proc", "root", "run", "sys", "usr")) {
                w.directory(d, 0755);
            }
            w.directory("tmp", 01777);
            // The kernel opens /dev/console for init's stdio before devtmpfs is mounted.
            w.charDevice("dev/console", 0600, 5, 1);
            w.charDevice("dev/null", 0666, 1, 3);
            w.symlink("sbin", "bin");
            w.symlink("usr/bin", "../bin");
            w.symlink("usr/sbin", "../bin");
            w.file("bin/busybox", 0755, Files.readAllBytes(busybox));
            for (String applet : applets) {
                if (!applet.equals("busybox") && applet.matches("[A-Za-z0-9_.\\[\\]-]+")) {
                    w.symlink("bin/" + applet, "busybox");
                }
            }
            w.file("bin/airlock-agent", 0755, Files.readAllBytes(agent));
            StringBuilder order = new StringBuilder();
            for (Map.Entry<String, Path> m : modules.entrySet()) {
                w.file("lib/modules/" + m.getKey() + ".ko", 0644, Files.readAllBytes(m.getValue()));
                order.append(m.getKey()).append('\n');
            }
            w.file("etc/airlock/modules", 0644, order.toString().getBytes(StandardCharsets.UTF_8));
            w.file("etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.UTF_8));
            w.file("etc/group", 0644, "root:x:0:\n".getBytes(StandardCharsets.UTF_8));
            w.file("etc/hosts", 0644, "127.0.0.1 localhost\n".getBytes(StandardCharsets.UTF_8));
            w.file("init", 0755, initScript());
        }
        return bytes.toByteArray();
    }
}
