package dev.airlock.secrets.scope;

import dev.airlock.secrets.host.HostName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where one secret may go: schemes, hosts (with ports), optional path prefixes, optional
 * methods, and the placements in a request where its placeholder may be replaced.
 * Empty {@code paths} or {@code methods} mean "any"; the others are never empty.
 */
public record SecretScope(
        Set<String> schemes,
        List<HostPattern> hosts,
        List<PathPrefix> paths,
        Set<String> methods,
        Set<Placement> placements) {

    public SecretScope {
        schemes = Set.copyOf(schemes);
        hosts = List.copyOf(hosts);
        paths = List.copyOf(paths);
        methods = Set.copyOf(methods);
        placements = placements.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(placements));
    }

    /** The port a URL of {@code scheme} uses when it names none. */
    public static int defaultPort(String scheme) {
        return "http".equals(scheme) ? 80 : 443;
    }

    /**
     * Every reason this scope refuses a placeholder found at {@code placement} in a request
     * with these coordinates; empty when it may be replaced.
     */
    public List<ScopeMismatch> check(String scheme, String host, int port, String method, String rawPath, Placement placement) {
        List<ScopeMismatch> out = new ArrayList<>();
        if (!schemes.contains(scheme)) {
            out.add(new ScopeMismatch(ScopeMismatch.Aspect.SCHEME, "scheme '" + scheme + "' is not in schemes " + sorted(schemes)));
        }
        Optional<HostName> name = HostName.parse(host);
        List<HostPattern> hostMatches = name.map(n -> hosts.stream().filter(p -> p.matchesHost(n)).toList()).orElse(List.of());
        if (hostMatches.isEmpty()) {
            out.add(new ScopeMismatch(ScopeMismatch.Aspect.HOST, "host '" + host + "' does not match hosts " + hosts));
        } else if (hostMatches.stream().noneMatch(p -> p.matchesPort(port, defaultPort(scheme)))) {
            out.add(new ScopeMismatch(ScopeMismatch.Aspect.PORT, "port " + port + " is not allowed by " + hostMatches
                    + " (a pattern without ':PORT' allows only the scheme's default port)"));
        }
        if (!paths.isEmpty()) {
            Optional<String> canonical = CanonicalPath.of(rawPath);
            if (canonical.isEmpty()) {
                out.add(new ScopeMismatch(ScopeMismatch.Aspect.PATH, "path '" + rawPath + "' is malformed or has '.'/'..' segments, so it cannot be checked against paths " + paths));
            } else if (paths.stream().noneMatch(p -> p.matches(canonical.get()))) {
                out.add(new ScopeMismatch(ScopeMismatch.Aspect.PATH, "path '" + rawPath + "' is not under paths " + paths));
            }
        }
        if (!methods.isEmpty() && !methods.contains(method)) {
            out.add(new ScopeMismatch(ScopeMismatch.Aspect.METHOD, "method '" + method + "' is not in methods " + sorted(methods)));
        }
        if (!placements.contains(placement)) {
            out.add(new ScopeMismatch(ScopeMismatch.Aspect.PLACEMENT, "placement '" + placement.yamlName() + "' is not in placements "
                    + placements.stream().map(Placement::yamlName).sorted().toList()));
        }
        return out;
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().collect(Collectors.toList());
    }
}
