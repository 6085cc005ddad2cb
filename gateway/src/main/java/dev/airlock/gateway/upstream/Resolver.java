package dev.airlock.gateway.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Resolves destination names for the gateway, once per flow, on a small blocking pool (the
 * JDK resolver blocks). Names in {@code staticHosts} (from {@code --resolve NAME=IP}) are
 * answered without DNS; they still pass the same address guard as any answer.
 */
public final class Resolver {
    private final Executor executor;
    private final Map<String, List<InetAddress>> staticHosts;

    public Resolver(Executor executor, Map<String, List<InetAddress>> staticHosts) {
        this.executor = executor;
        this.staticHosts = Map.copyOf(staticHosts);
    }

    public CompletableFuture<List<InetAddress>> resolve(String name) {
        List<InetAddress> fixed = staticHosts.get(name);
        if (fixed != null) return CompletableFuture.completedFuture(fixed);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return List.of(InetAddress.getAllByName(name));
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(new UnknownHostException("cannot resolve " + name));
            }
        }, executor);
    }
}
