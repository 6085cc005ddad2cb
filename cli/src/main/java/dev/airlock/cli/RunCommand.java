package dev.airlock.cli;

import dev.airlock.cli.netns.NetnsSandbox;
import dev.airlock.gateway.Gateway;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.sandbox.SandboxNetwork;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.tap.TapLink;
import dev.airlock.policy.ast.RegoException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * {@code airlock run --isolation netns -- CMD ARGS}: runs a command whose whole network is
 * airlock's userspace stack, so every connection and DNS lookup it makes is decided by
 * policy, TLS-intercepted as policy says, gets secrets injected and is audited. See
 * {@code docs/sandbox.md}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command in a sandbox whose network goes through airlock's policy.",
            "--isolation netns (Linux, root): a network namespace wired to airlock's own TCP/IP stack.",
            "The command's exit code is airlock's exit code."})
final class RunCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int NOT_AVAILABLE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--isolation", paramLabel = "KIND", defaultValue = "netns",
            description = "netns (default): network namespace + userspace stack. microvm: not available yet.")
    String isolation;

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
        if ("microvm".equals(isolation)) {
            err.println("airlock run: not available yet: --isolation microvm (the microVM runner) is a later issue; use --isolation netns");
            return NOT_AVAILABLE;
        }
        if (!"netns".equals(isolation)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--isolation must be netns or microvm, not '" + isolation + "'");
        }
        String why = NetnsSandbox.unavailableReason();
        if (why != null) {
            err.println("airlock run: " + why);
            return FAILED;
        }
        for (String stale : NetnsSandbox.cleanStale()) {
            err.println("airlock run: removed namespace " + stale + " left by an airlock that is no longer running");
        }
        Gateway g;
        try {
            g = gateway.open(System.err);
        } catch (RegoException e) {
            err.println("airlock run: the policy does not compile:");
            err.println(e.getMessage());
            return FAILED;
        } catch (Exception e) {
            err.println("airlock run: " + e.getMessage());
            return FAILED;
        }
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
