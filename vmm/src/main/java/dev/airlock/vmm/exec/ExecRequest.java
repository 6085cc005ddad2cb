package dev.airlock.vmm.exec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the guest agent should run: the command line, its whole environment (nothing is
 * inherited from the guest's init), and files to write first — airlock's CA certificate and
 * trust store, so the command trusts the gateway's TLS interception.
 *
 * @param argv  the command and its arguments; argv[0] is looked up on the PATH in {@code env}
 * @param env   the environment, in order
 * @param files absolute guest paths and their contents, written before the command starts
 */
public record ExecRequest(List<String> argv, Map<String, String> env, Map<String, byte[]> files) {

    public ExecRequest {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        argv = List.copyOf(argv);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
        for (String path : files.keySet()) {
            if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("guest file paths are absolute and contain no NUL: " + path);
            }
        }
        for (String s : argv) {
            requireNoNul(s);
        }
        env.forEach((k, v) -> {
            if (k.isEmpty() || k.indexOf('=') >= 0) {
                throw new IllegalArgumentException("bad environment variable name '" + k + "'");
            }
            requireNoNul(k);
            requireNoNul(v);
        });
    }

    private static void requireNoNul(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("arguments and environment values cannot contain NUL bytes");
        }
    }
}
