package dev.airlock.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Loads policy files the way {@code opa} does: every {@code .rego} file under the given paths,
 * and {@code data.json} / {@code data.yaml} files merged into data at their directory's path
 * relative to the path given.
 */
public final class PolicyBundle {
    private final Map<String, String> modules = new TreeMap<>();
    private Value data = ObjectValue.EMPTY;

    /** Rego modules by file name. */
    public Map<String, String> modules() {
        return modules;
    }

    /** The merged base document. */
    public Value data() {
        return data;
    }

    /**
     * Adds a JSON or YAML document at the root of data (as {@code --data FILE} does).
     *
     * @throws RegoException naming the file when it is not valid JSON/YAML or not an object
     */
    public PolicyBundle withDataFile(Path f) throws IOException {
        List<RegoError> errors = new ArrayList<>();
        Value doc = readDoc(f, errors);
        if (!errors.isEmpty()) throw new RegoException(errors);
        if (!(doc instanceof ObjectValue)) {
            throw new RegoException(RegoError.INVALID_INPUT, f + ": a data document must be a JSON/YAML object", Location.NONE);
        }
        data = merge(data, doc);
        return this;
    }

    public static PolicyBundle load(List<Path> paths) throws IOException {
        PolicyBundle pf = new PolicyBundle();
        List<RegoError> errors = new ArrayList<>();
        for (Path root : paths) {
            if (!Files.exists(root)) {
                throw new RegoException(RegoError.INVALID_INPUT, "no such file or directory: " + root, Location.NONE);
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(root)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".rego")) {
                    pf.modules.put(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
                } else if (name.equals("data.json") || name.equals("data.yaml") || name.equals("data.yml")) {
                    Value doc = readDoc(f, errors);
                    if (doc == null) continue;
                    Path dir = Files.isDirectory(root) ? root.relativize(f.getParent()) : Path.of("");
                    List<Value> at = new ArrayList<>();
                    for (Path seg : dir) if (!seg.toString().isEmpty()) at.add(StringValue.of(seg.toString()));
                    pf.data = merge(pf.data, wrap(at, doc));
                }
            }
        }
        if (!errors.isEmpty()) throw new RegoException(errors);
        return pf;
    }

    private static Value wrap(List<Value> path, Value v) {
        for (int i = path.size() - 1; i >= 0; i--) {
            TreeMap<Value, Value> m = new TreeMap<>();
            m.put(path.get(i), v);
            v = ObjectValue.wrap(m);
        }
        return v;
    }

    private static Value merge(Value a, Value b) {
        if (a instanceof ObjectValue x && b instanceof ObjectValue y) {
            TreeMap<Value, Value> m = new TreeMap<>(x.entries());
            for (Map.Entry<Value, Value> e : y.entries().entrySet()) {
                Value cur = m.get(e.getKey());
                m.put(e.getKey(), cur == null ? e.getValue() : merge(cur, e.getValue()));
            }
            return ObjectValue.wrap(m);
        }
        return b;
    }

    /** Reads a JSON or YAML document; errors name the file. */
    public static Value readDoc(Path f, List<RegoError> errors) throws IOException {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        String name = f.getFileName().toString();
        try {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Object tree = new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
                text = new ObjectMapper().writeValueAsString(tree);
            }
            return Json.parse(text);
        } catch (Json.ParseException | com.fasterxml.jackson.core.JacksonException e) {
            errors.add(new RegoError(RegoError.INVALID_INPUT, f + ": " + e.getMessage(), Location.NONE));
            return null;
        }
    }

    /** Prints policy errors as {@code file:line:col: code: message}, one per line. */
    public static void printErrors(PrintWriter err, RegoException e) {
        for (RegoError r : e.errors()) err.println(r);
    }
}
