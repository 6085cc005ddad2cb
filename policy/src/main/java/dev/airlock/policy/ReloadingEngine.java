package dev.airlock.policy;

import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An embedded engine over policy and data files that picks up edits: {@link #reloadIfChanged}
 * rebuilds the engine when any file's size or modification time changed and swaps it in
 * atomically. A bad edit leaves the previous policy in force and returns the errors, so a typo
 * never opens (or closes) the gateway by accident.
 */
public final class ReloadingEngine implements PolicyEngine {
    private final List<Path> policyPaths;
    private final List<Path> dataFiles;
    private final boolean v0;
    private volatile EmbeddedEngine current;
    private String fingerprint;

    private ReloadingEngine(List<Path> policyPaths, List<Path> dataFiles, boolean v0) {
        this.policyPaths = List.copyOf(policyPaths);
        this.dataFiles = List.copyOf(dataFiles);
        this.v0 = v0;
    }

    /**
     * Loads the policies once.
     *
     * @throws RegoException with every parse/compile/data error, each naming file, line and column
     */
    public static ReloadingEngine open(List<Path> policyPaths, List<Path> dataFiles, boolean v0) throws IOException {
        ReloadingEngine e = new ReloadingEngine(policyPaths, dataFiles, v0);
        e.fingerprint = e.fingerprint();
        e.current = e.build();
        return e;
    }

    private EmbeddedEngine build() throws IOException {
        PolicyBundle bundle = PolicyBundle.load(policyPaths);
        for (Path d : dataFiles) bundle.withDataFile(d);
        return EmbeddedEngine.build(bundle.modules(), bundle.data(), v0, BuiltinRegistry.standard(), EvalOptions.DEFAULT);
    }

    /**
     * Rebuilds when a file changed.
     *
     * @return null when nothing changed or the reload succeeded; otherwise the errors of the
     *         rejected edit (the previous policy stays in force)
     */
    public synchronized String reloadIfChanged() {
        String now;
        try {
            now = fingerprint();
        } catch (UncheckedIOException e) {
            return "cannot read policy files: " + e.getCause().getMessage();
        }
        if (now.equals(fingerprint)) return null;
        fingerprint = now;
        try {
            current = build();
            return null;
        } catch (RegoException e) {
            return e.getMessage();
        } catch (IOException e) {
            return "cannot read policy files: " + e.getMessage();
        }
    }

    /** Sizes and modification times of every file the engine was built from. */
    private String fingerprint() {
        StringBuilder sb = new StringBuilder();
        List<Path> all = new ArrayList<>(policyPaths);
        all.addAll(dataFiles);
        for (Path root : all) {
            try (Stream<Path> s = Files.isDirectory(root) ? Files.walk(root) : Stream.of(root)) {
                for (Path p : s.sorted().toList()) {
                    if (!Files.isRegularFile(p)) continue;
                    sb.append(p).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

    @Override
    public Decision evaluate(String path, Value input) {
        return current.evaluate(path, input);
    }

    @Override
    public List<Map<String, Value>> query(String rego, Value input) {
        return current.query(rego, input);
    }

    @Override
    public String revision() {
        return current.revision();
    }
}
