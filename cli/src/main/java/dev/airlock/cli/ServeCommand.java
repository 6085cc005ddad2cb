package dev.airlock.cli;

import dev.airlock.gateway.Gateway;
import dev.airlock.gateway.proxy.ProxyServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the enforcing HTTP(S) proxy for agents that set HTTPS_PROXY.",
            "Every connection and request is decided by policy, TLS is terminated with airlock's CA,",
            "secrets are injected where scoped, and every decision is audited."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:3128",
            description = "Proxy listen address (default: ${DEFAULT-VALUE}).")
    String listen;

    @CommandLine.Mixin
    GatewayOptions gateway;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = parseListen(listen);
        Gateway g = gateway.openOrReport("serve", spec.commandLine().getErr());
        if (g == null) return 1;
        ProxyServer proxy;
        try {
            proxy = g.listen(address);
        } catch (Exception e) {
            g.close();
            spec.commandLine().getErr().println(ListenFailure.message("serve", listen, e));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                g.close();
            } catch (Exception ignored) {
                // shutting down anyway
            }
            stopped.countDown();
        }));
        var out = spec.commandLine().getOut();
        out.println("airlock: proxy listening on http://" + proxy.address().getHostString() + ":" + proxy.address().getPort());
        out.println("airlock: set HTTPS_PROXY=http://" + proxy.address().getHostString() + ":" + proxy.address().getPort()
                + " and trust " + g.context().tls().ca().directory().certificateFile());
        out.flush();
        stopped.await();
        return 0;
    }

    private InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) throw new CommandLine.ParameterException(spec.commandLine(), "--listen expects HOST:PORT, got '" + text + "'");
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen expects HOST:PORT, got '" + text + "'");
        }
    }
}
