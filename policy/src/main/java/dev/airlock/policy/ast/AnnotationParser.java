package dev.airlock.policy.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds {@code # METADATA} comment blocks and parses their YAML into {@link Annotation}s, with
 * OPA's normalisation (authors and related resources as objects, default scopes).
 */
final class AnnotationParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SCOPES = Set.of("rule", "document", "package", "subpackages");
    private static final Pattern AUTHOR = Pattern.compile("^(.*?)\\s*<([^>]*)>\\s*$");

    private record Block(int startRow, int endRow, int col, String yaml) {}

    private final String file;
    private final List<RegoError> errors;
    private final List<Block> blocks = new ArrayList<>();
    private int next;

    AnnotationParser(String file, List<Lexer.Comment> comments, List<RegoError> errors) {
        this.file = file;
        this.errors = errors;
        for (int i = 0; i < comments.size(); i++) {
            Lexer.Comment c = comments.get(i);
            if (!c.text().strip().equals("METADATA")) continue;
            StringBuilder yaml = new StringBuilder();
            int end = c.row();
            int j = i + 1;
            while (j < comments.size() && comments.get(j).row() == end + 1 && comments.get(j).col() == c.col()) {
                String t = comments.get(j).text();
                yaml.append(t.startsWith(" ") ? t.substring(1) : t).append('\n');
                end = comments.get(j).row();
                j++;
            }
            blocks.add(new Block(c.row(), end, c.col(), yaml.toString()));
            i = j - 1;
        }
    }

    /** Annotations of the blocks that end before {@code row} and were not yet consumed. */
    List<Annotation> before(int row, boolean isPackage) {
        List<Annotation> out = new ArrayList<>();
        while (next < blocks.size() && blocks.get(next).endRow() < row) {
            Block b = blocks.get(next++);
            Annotation a = parse(b, isPackage);
            if (a != null) out.add(a);
        }
        return out;
    }

    private Annotation parse(Block b, boolean isPackage) {
        Location loc = new Location(file, b.startRow(), b.col());
        JsonNode node;
        try {
            node = b.yaml().isBlank() ? YAML.createObjectNode() : YAML.readTree(b.yaml());
        } catch (Exception e) {
            String msg = e.getMessage() == null ? "invalid YAML" : e.getMessage().lines().findFirst().orElse("");
            errors.add(new RegoError(RegoError.PARSE, "yaml: " + msg + ": expected valid YAML in the METADATA block", loc));
            return null;
        }
        if (node == null || node.isNull() || node.isMissingNode()) node = YAML.createObjectNode();
        if (!node.isObject()) {
            errors.add(new RegoError(RegoError.PARSE, "METADATA block must be a YAML mapping", loc));
            return null;
        }
        TreeMap<Value, Value> fields = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        String scope = isPackage ? "package" : "rule";
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "scope" -> {
                    scope = v.asText();
                    if (!SCOPES.contains(scope)) {
                        errors.add(new RegoError(RegoError.PARSE, "invalid annotation scope '" + scope
                                + "': expected one of rule, document, package, subpackages", loc));
                        return null;
                    }
                }
                case "authors" -> fields.put(StringValue.of(k), list(v, AnnotationParser::author));
                case "related_resources" -> fields.put(StringValue.of(k), list(v, AnnotationParser::resource));
                case "title", "description", "entrypoint", "custom", "organizations", "schemas", "compile" ->
                        fields.put(StringValue.of(k), toValue(v));
                default -> {
                    errors.add(new RegoError(RegoError.PARSE, "unknown annotation key '" + k + "' in METADATA block", loc));
                    return null;
                }
            }
        }
        fields.put(StringValue.of("scope"), StringValue.of(scope));
        return new Annotation(scope, ObjectValue.wrap(fields), loc);
    }

    private static Value list(JsonNode v, java.util.function.Function<JsonNode, Value> f) {
        List<Value> out = new ArrayList<>();
        if (v.isArray()) {
            for (JsonNode n : v) out.add(f.apply(n));
        } else {
            out.add(f.apply(v));
        }
        return new ArrayValue(out);
    }

    private static Value author(JsonNode n) {
        if (!n.isTextual()) return toValue(n);
        Matcher m = AUTHOR.matcher(n.asText());
        TreeMap<Value, Value> o = new TreeMap<>();
        if (m.matches()) {
            if (!m.group(1).isBlank()) o.put(StringValue.of("name"), StringValue.of(m.group(1).strip()));
            o.put(StringValue.of("email"), StringValue.of(m.group(2).strip()));
        } else {
            o.put(StringValue.of("name"), StringValue.of(n.asText().strip()));
        }
        return ObjectValue.wrap(o);
    }

    private static Value resource(JsonNode n) {
        if (!n.isTextual()) return toValue(n);
        return ObjectValue.of("ref", StringValue.of(n.asText().strip()));
    }

    static Value toValue(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return NullValue.NULL;
        if (n.isBoolean()) return BoolValue.of(n.asBoolean());
        if (n.isNumber()) return NumberValue.of(n.decimalValue());
        if (n.isTextual()) return StringValue.of(n.asText());
        if (n.isArray()) {
            List<Value> items = new ArrayList<>();
            for (JsonNode c : n) items.add(toValue(c));
            return new ArrayValue(items);
        }
        TreeMap<Value, Value> m = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(StringValue.of(e.getKey()), toValue(e.getValue()));
        }
        return ObjectValue.wrap(m);
    }
}
