package dev.airlock.cli;

import dev.airlock.policy.EvalOptions;
import dev.airlock.policy.PolicyBundle;
import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.rest.OpaApi;
import dev.airlock.policy.rest.OpaServer;
import dev.airlock.policy.rest.PolicyStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code airlock policy serve}: serves policies over OPA's REST API with the embedded engine,
 * so tools and gateways written for OPA can use airlock's engine (and airlock's OPA client can
 * be tested against it). Runs until Ctrl-C or SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve policies over OPA's REST API (Data, Policy, Query and Health APIs) using the embedded engine.",
                "Decision ids are on by default: every Data API answer carries a decision_id (--no-decision-ids to turn off).",
                "The API has no authentication: keep it on loopback (the default) unless something in front guards it."})
final class PolicyServeCommand implements Callable<Integer> {
    static final String DEFAULT_ADDR = "127.0.0.1:8181";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Policy files or directories: every .rego file, and data.json/data.yaml at their directory's path.")
    List<Path> paths = new ArrayList<>();

    @Option(names = {"-d", "--data"}, paramLabel = "FILE",
            description = "JSON or YAML data document merged into data at the root (repeatable); a directory loads as PATH does.")
    List<Path> data = new ArrayList<>();

    @Option(names = {"-a", "--addr"}, paramLabel = "HOST:PORT", defaultValue = DEFAULT_ADDR,
            description = "Address to listen on (default: ${DEFAULT-VALUE}); port 0 picks a free one.")
    String addr;

    @Option(names = "--v0-compatible", description = "Parse policies (including ones PUT later) with pre-1.0 Rego syntax.")
    boolean v0;

    @Option(names = "--decision-ids", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Give every Data API decision a decision_id (default: on).")
    boolean decisionIds;

    /** Told the server once it listens; tests use it to find the port. */
    Consumer<OpaServer> started = server -> {};

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress listen = parseAddress(addr);
        PolicyStore store;
        try {
            store = load();
        } catch (RegoException e) {
            PolicyBundle.printErrors(err, e);
            return 1;
        }
        OpaServer server;
        try {
            server = OpaServer.start(listen, new OpaApi(store, decisionIds));
        } catch (Exception e) {
            // Netty reports bind failures (address in use, not local) as checked exceptions it throws unchecked.
            err.println(ListenFailure.message("policy serve", addr, e));
            return 1;
        }
        Thread hook = new Thread(server::close, "airlock-policy-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        InetSocketAddress bound = server.address();
        int n = store.modules().size();
        err.printf("airlock policy serve: %d %s on http://%s:%d (OPA REST API; decision ids %s)%n",
                n, n == 1 ? "policy" : "policies", hostText(bound), bound.getPort(), decisionIds ? "on" : "off");
        if (!bound.getAddress().isLoopbackAddress()) {
            err.println("airlock policy serve: warning: listening beyond loopback; the API has no authentication"
                    + " and PUT /v1/policies changes the policy.");
        }
        err.flush();
        started.accept(server);
        try {
            server.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close(); // nothing left to do after awaitClose(); closes the server if waiting was interrupted
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C/SIGTERM: the hook is what closed the server.
            }
        }
        return 0;
    }

    private PolicyStore load() throws IOException {
        List<Path> trees = new ArrayList<>(paths);
        List<Path> documents = new ArrayList<>();
        for (Path d : data) {
            if (Files.isDirectory(d)) trees.add(d);
            else documents.add(d);
        }
        PolicyBundle bundle = PolicyBundle.load(trees);
        for (Path doc : documents) {
            if (!Files.isRegularFile(doc)) {
                throw new RegoException(RegoError.INVALID_INPUT, "data file not found: " + doc, Location.NONE);
            }
            bundle.withDataFile(doc);
        }
        return PolicyStore.load(bundle.modules(), bundle.data(), v0, BuiltinRegistry.standard(), EvalOptions.DEFAULT);
    }

    /** {@code host:port}, {@code [v6]:port}, or {@code :port} for every interface (as OPA's --addr). */
    private InetSocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        int port = -1;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--addr must be HOST:PORT (e.g. " + DEFAULT_ADDR + "), not '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private static String hostText(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return h.contains(":") ? "[" + h + "]" : h;
    }
}
