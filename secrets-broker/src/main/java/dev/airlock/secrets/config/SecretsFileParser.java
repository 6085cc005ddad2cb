package dev.airlock.secrets.config;

import dev.airlock.secrets.scope.HostPattern;
import dev.airlock.secrets.scope.PathPrefix;
import dev.airlock.secrets.scope.Placement;
import dev.airlock.secrets.scope.SecretScope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Parses and validates a secrets file (reference: {@code docs/secrets.md}). Every problem is
 * collected with its file, line, column, secret and field; unknown keys are errors, because a
 * misspelt {@code path:} that was silently ignored would widen a secret's scope.
 */
public final class SecretsFileParser {
    /** A secrets file is a short list written by hand; anything bigger is a mistake. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    static final Set<String> SECRET_KEYS = new LinkedHashSet<>(List.of(
            "name", "from_env", "from_file", "hosts", "paths", "methods", "placements", "schemes"));
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z0-9_-]*");
    private static final Set<String> SCHEMES = Set.of("https", "http");

    private final Path file;
    private final List<SecretsFileError> errors = new ArrayList<>();

    private SecretsFileParser(Path file) {
        this.file = file;
    }

    /** Reads and validates {@code file}. */
    public static SecretsConfig parse(Path file) throws SecretsFileException {
        return parse(file, read(file));
    }

    /** The bytes of {@code file}, with the same errors as {@link #parse(Path)} when it cannot be read or is too big. */
    public static byte[] read(Path file) throws SecretsFileException {
        byte[] content;
        try (InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw single(file, "the secrets file does not exist");
        } catch (AccessDeniedException e) {
            throw single(file, "cannot read the secrets file: permission denied");
        } catch (IOException e) {
            throw single(file, "cannot read the secrets file: " + e.getMessage());
        }
        if (content.length > MAX_FILE_BYTES) {
            throw single(file, "the secrets file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return content;
    }

    /** Validates {@code content} as if read from {@code file} (which names it in errors and anchors from_file). */
    public static SecretsConfig parse(Path file, byte[] content) throws SecretsFileException {
        SecretsFileParser parser = new SecretsFileParser(file);
        SecretsConfig config = parser.run(content);
        if (!parser.errors.isEmpty()) {
            throw new SecretsFileException(parser.errors);
        }
        return config;
    }

    private static SecretsFileException single(Path file, String message) {
        return new SecretsFileException(List.of(SecretsFileError.at(file, SourcePosition.UNKNOWN, "", message)));
    }

    private SecretsConfig run(byte[] content) {
        YamlNode root = new YamlTreeReader(file, errors).read(content);
        List<SecretSpec> specs = new ArrayList<>();
        if (root == null) {
            return new SecretsConfig(file, specs);
        }
        if (!(root instanceof YamlNode.Mapping top)) {
            errors.add(SecretsFileError.at(file, root.position(), "", "expected a mapping with a 'secrets:' list but found " + root.describe()));
            return new SecretsConfig(file, specs);
        }
        for (Map.Entry<String, SourcePosition> key : top.keyPositions().entrySet()) {
            if (!key.getKey().equals("secrets")) {
                errors.add(SecretsFileError.at(file, key.getValue(), key.getKey(), "unknown key; the only top-level key is 'secrets'"));
            }
        }
        YamlNode list = top.entries().get("secrets");
        if (list == null) {
            errors.add(SecretsFileError.at(file, top.position(), "secrets", "missing; the file must have a 'secrets:' list"));
            return new SecretsConfig(file, specs);
        }
        if (list instanceof YamlNode.Null) {
            return new SecretsConfig(file, specs); // "secrets:" with nothing under it: no secrets
        }
        if (!(list instanceof YamlNode.Sequence sequence)) {
            errors.add(SecretsFileError.at(file, list.position(), "secrets", "expected a list but found " + list.describe()));
            return new SecretsConfig(file, specs);
        }
        Map<String, SecretSpec> byName = new HashMap<>();
        for (int i = 0; i < sequence.items().size(); i++) {
            SecretSpec spec = new EntryValidator(i, sequence.items().get(i)).validate();
            if (spec == null) {
                continue;
            }
            SecretSpec earlier = byName.putIfAbsent(spec.name(), spec);
            if (earlier != null) {
                errors.add(SecretsFileError.inSecret(file, spec.position(), i, spec.name(), "name",
                        "duplicate name; secrets[" + earlier.index() + "] at line " + earlier.position().line() + " already uses it"));
                continue;
            }
            specs.add(spec);
        }
        return new SecretsConfig(file, specs);
    }

    /** Validates one entry of the list, recording errors against it. */
    private final class EntryValidator {
        private final int index;
        private final YamlNode node;
        private String name;
        private boolean failed;

        EntryValidator(int index, YamlNode node) {
            this.index = index;
            this.node = node;
        }

        SecretSpec validate() {
            if (!(node instanceof YamlNode.Mapping entry)) {
                error(node.position(), "", "expected a mapping (name, from_env or from_file, hosts, placements, ...) but found " + node.describe());
                return null;
            }
            name = entry.entries().get("name") instanceof YamlNode.Scalar s && s.string() ? s.text() : null;
            for (Map.Entry<String, SourcePosition> key : entry.keyPositions().entrySet()) {
                if (!SECRET_KEYS.contains(key.getKey())) {
                    String hint = nearest(key.getKey()).map(k -> "; did you mean '" + k + "'?").orElse("");
                    error(key.getValue(), key.getKey(), "unknown field" + hint + " (fields: " + String.join(", ", SECRET_KEYS) + ")");
                }
            }
            String validName = validName(entry);
            SecretSource source = source(entry);
            List<HostPattern> hosts = list(entry, "hosts", true, this::hostPattern);
            List<PathPrefix> paths = list(entry, "paths", false, PathPrefix::parse);
            List<String> methods = list(entry, "methods", false, this::method);
            List<Placement> placements = list(entry, "placements", true, this::placement);
            List<String> schemes = list(entry, "schemes", false, this::scheme);
            if (failed) {
                return null;
            }
            SecretScope scope = new SecretScope(
                    schemes.isEmpty() ? Set.of("https") : new LinkedHashSet<>(schemes),
                    hosts, paths, new LinkedHashSet<>(methods), new LinkedHashSet<>(placements));
            return new SecretSpec(index, validName, source, scope, entry.position());
        }

        private String validName(YamlNode.Mapping entry) {
            YamlNode n = entry.entries().get("name");
            if (n == null) {
                error(entry.position(), "name", "missing; every secret needs a name (letters, digits and '_', e.g. OPENAI_API_KEY)");
                return null;
            }
            String text = string(n, "name");
            if (text != null && !NAME.matcher(text).matches()) {
                error(n.position(), "name", "'" + text + "' is not a valid name: use 1-64 letters, digits and '_', not starting with a digit");
                return null;
            }
            return text;
        }

        private SecretSource source(YamlNode.Mapping entry) {
            YamlNode env = entry.entries().get("from_env");
            YamlNode path = entry.entries().get("from_file");
            if (env != null && path != null) {
                error(path.position(), "from_file", "give either from_env or from_file, not both");
                return null;
            }
            if (env == null && path == null) {
                error(entry.position(), "from_env", "missing; say where the value comes from with from_env: VARIABLE or from_file: PATH");
                return null;
            }
            if (env != null) {
                String variable = string(env, "from_env");
                if (variable != null && !ENV_VAR.matcher(variable).matches()) {
                    error(env.position(), "from_env", "'" + variable + "' is not an environment variable name");
                    return null;
                }
                return variable == null ? null : new SecretSource.FromEnv(variable);
            }
            String p = string(path, "from_file");
            if (p == null) {
                return null;
            }
            if (p.isEmpty()) {
                error(path.position(), "from_file", "empty path");
                return null;
            }
            Path base = file.toAbsolutePath().getParent();
            Path resolved = base == null ? Path.of(p) : base.resolve(p);
            return new SecretSource.FromFile(resolved.normalize());
        }

        /** A list of strings converted one by one; an absent optional list is empty. */
        private <T> List<T> list(YamlNode.Mapping entry, String field, boolean required, Function<String, T> convert) {
            YamlNode n = entry.entries().get(field);
            List<T> out = new ArrayList<>();
            if (n == null) {
                if (required) {
                    error(entry.position(), field, "missing; " + requiredHint(field));
                }
                return out;
            }
            if (!(n instanceof YamlNode.Sequence seq)) {
                error(n.position(), field, "expected a list, e.g. " + field + ": [" + example(field) + "], but found " + n.describe());
                return out;
            }
            if (seq.items().isEmpty()) {
                error(n.position(), field, required ? "must not be empty; " + requiredHint(field)
                        : "an empty list would allow nothing; leave the field out to allow any");
                return out;
            }
            for (int i = 0; i < seq.items().size(); i++) {
                YamlNode item = seq.items().get(i);
                String itemField = field + "[" + i + "]";
                String text = string(item, itemField);
                if (text == null) {
                    continue;
                }
                try {
                    out.add(convert.apply(text));
                } catch (IllegalArgumentException e) {
                    error(item.position(), itemField, e.getMessage());
                }
            }
            return out;
        }

        private HostPattern hostPattern(String text) {
            return HostPattern.parse(text);
        }

        private String method(String text) {
            if (!METHOD.matcher(text).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not an HTTP method; write it in upper case, e.g. POST");
            }
            return text;
        }

        private Placement placement(String text) {
            return Placement.fromYaml(text).orElseThrow(() -> new IllegalArgumentException(
                    "'" + text + "' is not a placement; use header, basic, query, path or body"));
        }

        private String scheme(String text) {
            if (!SCHEMES.contains(text)) {
                throw new IllegalArgumentException("'" + text + "' is not a scheme; use https or http");
            }
            return text;
        }

        private String string(YamlNode n, String field) {
            if (n instanceof YamlNode.Scalar s && s.string()) {
                return s.text();
            }
            error(n.position(), field, "expected a string but found " + n.describe() + (n instanceof YamlNode.Scalar ? " (quote it)" : ""));
            return null;
        }

        private void error(SourcePosition at, String field, String message) {
            failed = true;
            errors.add(SecretsFileError.inSecret(file, at, index, name, field, message));
        }
    }

    private static String requiredHint(String field) {
        return switch (field) {
            case "hosts" -> "list the hosts this secret may be sent to, e.g. hosts: [\"api.example.com\"]";
            case "placements" -> "list where the placeholder may be replaced: header, basic, query, path, body";
            default -> "required";
        };
    }

    private static String example(String field) {
        return switch (field) {
            case "hosts" -> "\"api.example.com\"";
            case "paths" -> "\"/v1/\"";
            case "methods" -> "POST";
            case "placements" -> "header";
            case "schemes" -> "https";
            default -> "...";
        };
    }

    /** The known field within edit distance 2 of {@code key}, for "did you mean". */
    private static java.util.Optional<String> nearest(String key) {
        String best = null;
        int bestDistance = 3;
        for (String known : SECRET_KEYS) {
            int d = editDistance(key, known);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        Arrays.fill(cur, 0);
        return prev[b.length()];
    }
}
