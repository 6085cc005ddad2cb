package dev.airlock.cli;

import dev.airlock.gateway.Gateway;
import dev.airlock.gateway.flow.GatewayLimits;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.ReloadingEngine;
import dev.airlock.secrets.ca.CaDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The policy, secrets and audit options shared by {@code serve} and {@code run}: one place that
 * turns command-line flags into a {@link Gateway}.
 */
final class GatewayOptions {
    @Option(names = "--policy", paramLabel = "PATH",
            description = "Rego file or directory (repeatable; embedded engine). Default: the shipped policy rego/airlock/egress.rego.")
    List<Path> policies = new ArrayList<>();

    @Option(names = "--opa-url", paramLabel = "URL",
            description = "Ask a running OPA over its REST API instead of the embedded engine (e.g. http://127.0.0.1:8181).")
    java.net.URI opaUrl;

    @Option(names = "--opa-timeout", paramLabel = "MILLIS", defaultValue = "500",
            description = "Per-attempt timeout for OPA requests (default: ${DEFAULT-VALUE}); failures deny.")
    long opaTimeoutMillis = 500;

    @Option(names = "--no-decision-cache", description = "Ask the policy for every decision (default: cache identical inputs "
            + "for 10 s, except where the embedded policy reads the clock, randomness or the network).")
    boolean noDecisionCache;

    @Option(names = "--data", paramLabel = "FILE", description = "JSON/YAML base document merged at the root of data (repeatable).")
    List<Path> data = new ArrayList<>();

    @Option(names = "--v0-compatible", description = "Parse policies with Rego v0 syntax.")
    boolean v0;

    @Option(names = "--decision-path", paramLabel = "PATH", defaultValue = "airlock/egress/decision",
            description = "Where the decision document is (default: ${DEFAULT-VALUE}).")
    String decisionPath = "airlock/egress/decision";

    @Option(names = "--secrets", paramLabel = "FILE", description = "Secrets file (YAML); see docs/secrets.md.")
    Path secrets;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Placeholder key and runtime state (default: ~/.airlock/state).")
    Path stateDir;

    @Option(names = "--audit", paramLabel = "FILE", description = "Audit log, JSON Lines (default: ~/.airlock/audit.jsonl).")
    Path audit;

    @Option(names = "--ca-dir", paramLabel = "DIR", description = "airlock's CA directory (default: ~/.airlock/ca).")
    Path caDir;

    @Option(names = "--upstream-ca", paramLabel = "FILE",
            description = "Extra trust anchors (PEM) for upstream TLS, on top of the system store (repeatable).")
    List<Path> upstreamCas = new ArrayList<>();

    @Option(names = "--agents", paramLabel = "FILE", description = "Agent tokens and labels for Proxy-Authorization (YAML).")
    Path agents;

    @Option(names = "--resolve", paramLabel = "NAME=IP",
            description = "Answer NAME with IP instead of DNS (repeatable); the answer still passes the address guard.")
    List<String> resolve = new ArrayList<>();

    static Path home() {
        return Path.of(System.getProperty("user.home"), ".airlock");
    }

    Path stateDirOrDefault() {
        return stateDir != null ? stateDir : dev.airlock.secrets.placeholder.PlaceholderKey.defaultStateDirectory();
    }

    /**
     * {@link #open}, telling the user why it failed: the policy's compile errors, or the
     * message of whatever else went wrong. Returns null after reporting.
     */
    Gateway openOrReport(String command, java.io.PrintWriter err) {
        try {
            return open(System.err);
        } catch (dev.airlock.policy.ast.RegoException e) {
            err.println("airlock " + command + ": the policy does not compile:");
            err.println(e.getMessage());
        } catch (Exception e) {
            err.println("airlock " + command + ": " + e.getMessage());
        }
        return null;
    }

    /** Builds the gateway; errors carry messages meant for the user. */
    Gateway open(java.io.PrintStream log) throws Exception {
        Path state = stateDirOrDefault();
        Files.createDirectories(state);
        PolicyEngine engine;
        if (opaUrl != null) {
            if (!policies.isEmpty() || !data.isEmpty()) {
                throw new IllegalArgumentException("--opa-url asks a running OPA; --policy and --data belong to that OPA, not to airlock");
            }
            engine = new dev.airlock.policy.rest.OpaRestEngine(dev.airlock.policy.rest.OpaClientOptions.of(opaUrl)
                    .withTimeout(java.time.Duration.ofMillis(opaTimeoutMillis))
                    .withDeadline(java.time.Duration.ofMillis(Math.max(1000, 2 * opaTimeoutMillis))));
        } else {
            List<Path> policyPaths = policies.isEmpty() ? List.of(shippedPolicy(state)) : policies;
            engine = ReloadingEngine.open(policyPaths, data, v0);
        }
        boolean blocks = opaUrl != null;
        if (!noDecisionCache) engine = new dev.airlock.policy.cache.DecisionCache(engine);
        Path auditFile = audit != null ? audit : home().resolve("audit.jsonl");
        Files.createDirectories(auditFile.toAbsolutePath().getParent());
        return Gateway.open(new Gateway.Options(engine, blocks, decisionPath, secrets, state, auditFile,
                caDir != null ? caDir : CaDirectory.defaultDirectory(), upstreamCas, agents, staticHosts(),
                GatewayLimits.DEFAULTS), log);
    }

    /** The policy packaged with airlock, written under the state directory so the engine can watch it like any file. */
    static Path shippedPolicy(Path state) throws IOException {
        Path dir = state.resolve("shipped-policy");
        Files.createDirectories(dir);
        try (InputStream in = GatewayOptions.class.getResourceAsStream("/rego/airlock/egress.rego")) {
            if (in == null) throw new IOException("the shipped policy is missing from the airlock build");
            Path file = dir.resolve("egress.rego");
            byte[] text = in.readAllBytes();
            if (!Files.exists(file) || !java.util.Arrays.equals(Files.readAllBytes(file), text)) Files.write(file, text);
        }
        return dir;
    }

    Map<String, List<InetAddress>> staticHosts() throws IOException {
        Map<String, List<InetAddress>> m = new HashMap<>();
        for (String r : resolve) {
            int eq = r.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--resolve expects NAME=IP, got '" + r + "'");
            String name = r.substring(0, eq).toLowerCase(java.util.Locale.ROOT);
            String ip = r.substring(eq + 1);
            if (!(dev.airlock.gateway.net.HostLiteral.parse(ip) instanceof dev.airlock.gateway.net.HostLiteral.Ip lit)) {
                throw new IllegalArgumentException("--resolve " + r + ": '" + ip + "' is not a canonical IP address");
            }
            m.computeIfAbsent(name, k -> new ArrayList<>()).add(lit.address());
        }
        return m;
    }
}
