package dev.airlock.cli.netns;

import dev.airlock.netstack.tap.TapDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host side of {@code airlock run --isolation netns}: a network namespace whose only
 * interface ({@code eth0}) is a TAP device read by airlock's userspace stack, plus the files the
 * command sees, and the exact command line that starts the command inside.
 *
 * <p>How the command is started: {@code ip netns exec NS sh -c SCRIPT airlock-run CMD ARGS}.
 * {@code ip netns exec} enters the namespace, gives the command a private mount namespace and
 * bind-mounts {@code /etc/netns/NS/resolv.conf} over {@code /etc/resolv.conf}; the script then
 * bind-mounts airlock's CA bundle over the system bundle (in that private mount namespace, so
 * the host never sees it) and execs {@code setpriv}, which drops every capability (and, under
 * sudo, switches back to the invoking user) before exec'ing the command. Without
 * capabilities the command cannot leave the namespace (setns needs CAP_SYS_ADMIN), undo the
 * mounts, or reconfigure the interface.
 *
 * <p>Names are unique ({@code airlock-<pid>-<random>}); {@link #close()} deletes the
 * namespace (the TAP goes with it), the {@code /etc/netns} entry and the temporary files, and
 * {@link #cleanStale()} removes what a killed airlock left behind.
 */
public final class NetnsSandbox implements AutoCloseable {
    public static final String GATEWAY = "198.18.0.1";
    public static final String GUEST = "198.18.0.2";
    static final String PREFIX = "airlock-";
    private static final Pattern OURS = Pattern.compile("airlock-(\\d+)-[0-9a-f]{6}");
    private static final List<Path> SYSTEM_BUNDLES = List.of(
            Path.of("/etc/ssl/certs/ca-certificates.crt"), Path.of("/etc/pki/tls/certs/ca-bundle.crt"),
            Path.of("/etc/ssl/cert.pem"));

    private final String name;
    private final TapDevice tap;
    private final Path files;
    private final Path etc;
    private final Path bundle;
    private final Path systemBundle;
    private boolean closed;

    private NetnsSandbox(String name, TapDevice tap, Path files, Path etc, Path bundle, Path systemBundle) {
        this.name = name;
        this.tap = tap;
        this.files = files;
        this.etc = etc;
        this.bundle = bundle;
        this.systemBundle = systemBundle;
    }

    /** Why this host cannot run netns sandboxes, or null when it can. */
    public static String unavailableReason() {
        if (!isRoot()) {
            return "--isolation netns needs root (it creates a network namespace, a TAP device and mounts); run it with sudo";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "/dev/net/tun is missing: load the tun module (modprobe tun)";
        }
        if (which("ip") == null) {
            return "the ip command (iproute2) is missing: apt-get install iproute2";
        }
        if (which("setpriv") == null) {
            return "the setpriv command (util-linux) is missing: apt-get install util-linux";
        }
        return null;
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "root".equals(System.getProperty("user.name"));
    }

    static Path which(String tool) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Deletes namespaces (and their /etc/netns entries) left by airlock processes that no longer run. */
    public static List<String> cleanStale() {
        List<String> removed = new ArrayList<>();
        try {
            for (String line : HostCommands.lines(HostCommands.run("ip", "netns", "list"))) {
                String ns = line.split("\\s+")[0];
                Matcher m = OURS.matcher(ns);
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false) == false) {
                    HostCommands.quietly("ip", "netns", "delete", ns);
                    deleteTree(Path.of("/etc/netns", ns));
                    removed.add(ns);
                }
            }
        } catch (IOException ignored) {
            // no namespaces yet, or ip cannot list them: nothing to clean
        }
        return removed;
    }

    /**
     * Creates the namespace and its files.
     *
     * @param airlockCa airlock's CA certificate (PEM), appended to the system bundle
     * @param mtu the MTU of the command's {@code eth0} (the stack's link MTU)
     */
    public static NetnsSandbox create(Path airlockCa, int mtu) throws IOException {
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        String name = PREFIX + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(r);
        TapDevice tap = TapDevice.open("alk%d");
        Path files = Files.createTempDirectory(name);
        Path etc = Path.of("/etc/netns", name);
        NetnsSandbox s = null;
        try {
            Path systemBundle = SYSTEM_BUNDLES.stream().filter(Files::isRegularFile).findFirst().orElse(null);
            Path bundle = files.resolve("ca-bundle.pem");
            String system = systemBundle == null ? "" : Files.readString(systemBundle);
            Files.writeString(bundle, system + (system.endsWith("\n") || system.isEmpty() ? "" : "\n") + Files.readString(airlockCa));
            bundle.toFile().setReadable(true, false);
            files.toFile().setExecutable(true, false); // the command may run as the sudo user
            s = new NetnsSandbox(name, tap, files, etc, bundle, systemBundle);
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("resolv.conf"), "# written by airlock run: every lookup is a policy decision\nnameserver " + GATEWAY + "\n");
            HostCommands.run("ip", "netns", "add", name);
            HostCommands.run("ip", "link", "set", tap.name(), "netns", name);
            HostCommands.run("ip", "-n", name, "link", "set", tap.name(), "name", "eth0");
            HostCommands.run("ip", "-n", name, "link", "set", "lo", "up");
            HostCommands.run("ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0");
            HostCommands.run("ip", "-n", name, "link", "set", "eth0", "mtu", Integer.toString(mtu), "up");
            HostCommands.run("ip", "-n", name, "addr", "add", GUEST + "/24", "dev", "eth0");
            HostCommands.run("ip", "-n", name, "route", "add", "default", "via", GATEWAY);
            return s;
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                s.close();
            } else {
                tap.close();
                deleteTree(files);
            }
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public TapDevice tap() {
        return tap;
    }

    /** The CA bundle the command trusts: the system bundle plus airlock's CA. */
    public Path caBundle() {
        return bundle;
    }

    /** The command line that runs {@code command} inside the sandbox (see the class comment). */
    public List<String> commandLine(List<String> command, Map<String, String> env) {
        StringBuilder script = new StringBuilder("set -e\n");
        if (systemBundle != null) {
            // Programs that ignore SSL_CERT_FILE (curl's built-in path, Go, Java's cacerts aside) read this file.
            script.append("mount --bind \"$AIRLOCK_CA_BUNDLE\" ").append(shellQuote(systemBundle.toString())).append('\n');
        }
        script.append("exec setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all --no-new-privs ");
        String uid = env.get("SUDO_UID");
        String gid = env.get("SUDO_GID");
        if (uid != null && gid != null && uid.matches("[0-9]+") && gid.matches("[0-9]+") && !uid.equals("0")) {
            script.append("--reuid=").append(uid).append(" --regid=").append(gid).append(" --init-groups ");
        }
        script.append("-- \"$@\"\n");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name, "sh", "-c", script.toString(), "airlock-run"));
        cmd.addAll(command);
        return cmd;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Deletes the namespace (its TAP goes with it), the /etc/netns entry and the temporary files. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        HostCommands.quietly("ip", "netns", "delete", name);
        try {
            tap.close();
        } catch (RuntimeException ignored) {
            // already closed by the stack's link
        }
        deleteTree(etc);
        deleteTree(files);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort during teardown
        }
    }
}
