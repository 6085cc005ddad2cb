package dev.airlock.cli;

import dev.airlock.cli.netns.NetnsSandbox;
import dev.airlock.gateway.Gateway;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.sandbox.SandboxNetwork;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.tap.TapLink;
import dev.airlock.vmm.KvmSpeed;
import dev.airlock.vmm.MicroVmConfig;
import dev.airlock.vmm.image.GuestImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code airlock run [--isolation auto|microvm|netns] -- CMD ARGS}: runs a command whose whole
 * network is airlock's userspace stack, so every connection and DNS lookup it makes is decided
 * by policy, TLS-intercepted as policy says, gets secrets injected and is audited. The
 * sandbox is a KVM microVM ({@link MicroVmRunner}, {@code docs/vmm.md}) or a network
 * namespace ({@code docs/sandbox.md}); {@code auto} picks the microVM where KVM runs at
 * hardware speed.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command in a sandbox whose network goes through airlock's policy.",
            "--isolation microvm: a KVM microVM (build its image with `airlock image build`).",
            "--isolation netns (Linux, root): a network namespace wired to airlock's own TCP/IP stack.",
            "--isolation auto (default): microvm where /dev/kvm runs at hardware speed, netns otherwise.",
            "The command's exit code is airlock's exit code. In a microVM, Ctrl-C and SIGTERM are passed on to",
            "the command; if it has not exited --stop-timeout seconds later the VM is stopped (exit 130/143)."})
final class RunCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int NOT_AVAILABLE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--isolation", paramLabel = "KIND", defaultValue = "auto",
            description = "auto (default), microvm or netns.")
    String isolation;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "256M",
            description = "microVM memory, e.g. 256M or 1G (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "microVM vCPUs (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--image", paramLabel = "DIR",
            description = "microVM guest image directory (default: the one `airlock image build` made last).")
    Path image;

    @Option(names = "--boot-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long the microVM may take to start its exec agent (default: ${DEFAULT-VALUE}).")
    long bootTimeoutSeconds;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "After Ctrl-C or SIGTERM (passed on to the command), how long the command has to exit"
                    + " before the microVM is stopped (default: ${DEFAULT-VALUE}).")
    long stopTimeoutSeconds;

    @Option(names = "--verbose", description = "Copy the microVM's serial console to stderr.")
    boolean verbose;

    @Option(names = "--agent", paramLabel = "NAME", defaultValue = "sandbox",
            description = "The agent name policy and the audit log see for this sandbox (default: ${DEFAULT-VALUE}).")
    String agent;

    @CommandLine.Mixin
    GatewayOptions gateway;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (cpus < 1 || cpus > MicroVmConfig.MAX_VCPUS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--cpus must be between 1 and " + MicroVmConfig.MAX_VCPUS + ", not " + cpus);
        }
        switch (isolation.toLowerCase(Locale.ROOT)) {
            case "microvm" -> {
                KvmSpeed speed = KvmSpeed.probe();
                if (speed.unusable() != null) {
                    err.println("airlock run: " + speed.describe());
                    return FAILED;
                }
                if (!speed.fastEnough()) {
                    err.println("airlock run: warning: " + speed.slowReason() + "; booting anyway (--boot-timeout "
                            + bootTimeoutSeconds + " s)");
                }
                return microVm(err);
            }
            case "auto" -> {
                KvmSpeed speed = KvmSpeed.probe();
                if (speed.fastEnough()) {
                    return microVm(err);
                }
                err.println("airlock run: using netns isolation: " + speed.slowReason());
                return netns(err);
            }
            case "netns" -> {
                return netns(err);
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--isolation must be auto, microvm or netns, not '" + isolation + "'");
        }
    }

    private int microVm(PrintWriter err) throws Exception {
        long bytes = parseSize(memory);
        GuestImage img;
        try {
            img = GuestImage.open(image != null ? image : GuestImage.defaultDirectory());
        } catch (java.io.IOException e) {
            err.println("airlock run: " + e.getMessage());
            return FAILED;
        }
        Gateway g = gateway.openOrReport("run", err);
        if (g == null) return FAILED;
        try (g) {
            MicroVmRunner runner = new MicroVmRunner(g.context(), g.group().next(), agent,
                    g.context().tls().ca().directory().certificateFile(),
                    new MicroVmRunner.Settings(img, bytes, cpus, Duration.ofSeconds(bootTimeoutSeconds),
                            Duration.ofSeconds(stopTimeoutSeconds), verbose));
            return runner.run(command, System.in, System.out, System.err, err).status();
        }
    }

    /** "256M", "1G", "268435456": a multiple of 2 MiB, at least 4 MiB. */
    long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        long unit = t.endsWith("G") ? 1L << 30 : t.endsWith("M") ? 1L << 20 : 1;
        try {
            long v = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
            if (v < (4L << 20) || v % (2L << 20) != 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--mem must be a multiple of 2 MiB of at least 4M, like 256M or 1G, not '" + text + "'");
        }
    }

    private int netns(PrintWriter err) throws Exception {
        String why = NetnsSandbox.unavailableReason();
        if (why != null) {
            err.println("airlock run: " + why);
            return FAILED;
        }
        for (String stale : NetnsSandbox.cleanStale()) {
            err.println("airlock run: removed namespace " + stale + " left by an airlock that is no longer running");
        }
        Gateway g = gateway.openOrReport("run", err);
        if (g == null) return FAILED;
        Teardown teardown = new Teardown(g);
        Thread hook = new Thread(teardown::run, "airlock-run-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            NetnsSandbox box = NetnsSandbox.create(g.context().tls().ca().directory().certificateFile(), SandboxNetwork.MTU);
            teardown.box = box;
            teardown.network = SandboxNetwork.start(g.context(), new Source(agent, box.name(), Map.of()), StackConfig.defaults(),
                    new TapLink(box.tap(), SandboxNetwork.MTU), g.group().next());
            ProcessBuilder pb = new ProcessBuilder(box.commandLine(command, System.getenv())).inheritIO();
            pb.environment().putAll(environment(g, box));
            Process p = pb.start();
            teardown.process = p;
            return p.waitFor();
        } catch (java.io.IOException e) {
            err.println("airlock run: " + e.getMessage());
            return FAILED;
        } finally {
            teardown.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down; the hook does the same work
            }
        }
    }

    /** Placeholders for every secret and the usual CA variables, on top of airlock's own environment. */
    private static Map<String, String> environment(Gateway g, NetnsSandbox box) {
        Map<String, String> env = new HashMap<>();
        if (g.context().secrets() != null) env.putAll(g.context().secrets().current().placeholders());
        String bundle = box.caBundle().toString();
        for (String v : List.of("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "AIRLOCK_CA_BUNDLE")) {
            env.put(v, bundle);
        }
        env.put("AIRLOCK_SANDBOX", box.name());
        return env;
    }

    /**
     * Stops the command, then the stack, the namespace and the gateway — once, whether the
     * command ended, airlock got Ctrl-C/SIGTERM (shutdown hook), or setup failed half-way.
     */
    private static final class Teardown {
        private final Gateway gateway;
        private final AtomicBoolean done = new AtomicBoolean();
        volatile NetnsSandbox box;
        volatile SandboxNetwork network;
        volatile Process process;

        Teardown(Gateway gateway) {
            this.gateway = gateway;
        }

        void run() {
            if (!done.compareAndSet(false, true)) return;
            Process p = process;
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                try {
                    if (!p.waitFor(3, TimeUnit.SECONDS)) {
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (network != null) network.close();
            if (box != null) box.close();
            try {
                gateway.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
        }
    }
}
