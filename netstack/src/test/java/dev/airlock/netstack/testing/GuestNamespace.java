package dev.airlock.netstack.testing;

import dev.airlock.netstack.tap.TapDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux network namespace playing the guest: a TAP device created by this JVM (root
 * namespace) is moved into it and configured as 198.18.0.2/24 with default route via the
 * stack at 198.18.0.1. The namespace is deleted on close and, if the JVM dies first, by a
 * shutdown hook. Shared with other modules' kernel tests through netstack's test jar.
 */
public final class GuestNamespace implements AutoCloseable {
    public static final String GATEWAY = "198.18.0.1";
    public static final String GUEST = "198.18.0.2";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final String name;
    public final TapDevice tap;
    private final Thread cleanup;

    /** Why kernel tests cannot run here, or null when they can. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "kernel peer tests need root (CAP_NET_ADMIN) to create a TAP device and a network namespace";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "kernel peer tests need /dev/net/tun (modprobe tun)";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            return "kernel peer tests need the ip command (iproute2)";
        }
        return null;
    }

    public GuestNamespace() throws Exception {
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        this.name = "airlock-test-" + pid + "-" + n;
        this.tap = TapDevice.open("alk" + (pid % 100000) + "x" + n);
        this.cleanup = new Thread(() -> runQuietly("ip", "netns", "delete", name));
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            run("ip", "netns", "add", name);
            run("ip", "link", "set", tap.name(), "netns", name);
            run("ip", "-n", name, "link", "set", "lo", "up");
            run("ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf." + tap.name() + ".accept_dad=0");
            run("ip", "-n", name, "link", "set", tap.name(), "mtu", "1500", "up");
            run("ip", "-n", name, "addr", "add", GUEST + "/24", "dev", tap.name());
            run("ip", "-n", name, "route", "add", "default", "via", GATEWAY);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Result of a command in the namespace. */
    public record Result(int exit, String out, String err, long millis) {}

    /** Runs a command inside the namespace. */
    public Result exec(long timeoutSeconds, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return runFor(timeoutSeconds, cmd);
    }

    /** Runs the test client script inside the namespace. */
    public Result python(long timeoutSeconds, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name, "python3", clientScript().toString()));
        cmd.addAll(List.of(args));
        return runFor(timeoutSeconds, cmd);
    }

    /** Starts the test client script inside the namespace with pipes for stdin/stdout (interactive modes). */
    public Process spawnPython(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name, "python3", clientScript().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Writes a resource of the test classpath to a file under target/ and returns its path. */
    public static Path resourceFile(String resource) throws IOException {
        Path p = Path.of("target", resource.substring(resource.lastIndexOf('/') + 1)).toAbsolutePath();
        try (var in = GuestNamespace.class.getResourceAsStream(resource)) {
            Files.createDirectories(p.getParent());
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    private static Path clientScript() throws IOException {
        Path p = Path.of("target", "kernel_client.py").toAbsolutePath();
        try (var in = GuestNamespace.class.getResourceAsStream("/kernel_client.py")) {
            Files.createDirectories(p.getParent());
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    private static Result runFor(long timeoutSeconds, List<String> cmd) throws Exception {
        long start = System.nanoTime();
        Path out = Files.createTempFile("ns-out", ".txt");
        Path err = Files.createTempFile("ns-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new Result(-1, Files.readString(out), Files.readString(err) + "\n(timed out after "
                        + timeoutSeconds + " s)", (System.nanoTime() - start) / 1_000_000);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void run(String... cmd) throws Exception {
        Result r = runFor(20, List.of(cmd));
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.err());
        }
    }

    private static void runQuietly(String... cmd) {
        try {
            runFor(20, List.of(cmd));
        } catch (Exception ignored) {
            // best effort during shutdown
        }
    }

    @Override
    public void close() {
        runQuietly("ip", "netns", "delete", name);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }
}
