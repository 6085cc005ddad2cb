package dev.airlock.policy.builtins.jsonschema;

import com.google.re2j.Pattern;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One compiled (sub)schema; absent keywords are null or empty. Filled in by {@link SchemaCompiler}. */
final class SchemaNode {
    /** Non-null for the boolean schemas {@code true} / {@code false}. */
    Boolean pass;
    /** The schema a {@code $ref} points at; when set, the node's other keywords are ignored. */
    SchemaNode ref;

    final List<String> types = new ArrayList<>();

    final Map<String, SchemaNode> properties = new LinkedHashMap<>();
    final Map<String, SchemaNode> patternProperties = new LinkedHashMap<>();
    final Map<String, Pattern> propertyPatterns = new LinkedHashMap<>();
    /** {@code Boolean.FALSE}, {@code Boolean.TRUE} (default) or a {@link SchemaNode}. */
    Object additionalProperties = Boolean.TRUE;
    SchemaNode propertyNames;
    /** Property name to either a {@code List<String>} or a {@link SchemaNode}. */
    final Map<String, Object> dependencies = new LinkedHashMap<>();
    final List<String> required = new ArrayList<>();
    Integer minProperties;
    Integer maxProperties;

    final List<SchemaNode> items = new ArrayList<>();
    boolean itemsIsSingleSchema;
    /** {@code Boolean} or {@link SchemaNode}; null when absent. */
    Object additionalItems;
    Integer minItems;
    Integer maxItems;
    boolean uniqueItems;
    SchemaNode contains;

    BigDecimal multipleOf;
    BigDecimal minimum;
    BigDecimal maximum;
    BigDecimal exclusiveMinimum;
    BigDecimal exclusiveMaximum;

    Integer minLength;
    Integer maxLength;
    Pattern pattern;
    String patternSource;
    String format;

    /** Canonical JSON of {@code const}, or null. */
    String constJson;
    boolean enumPresent;
    final List<String> enumJson = new ArrayList<>();

    final List<SchemaNode> allOf = new ArrayList<>();
    final List<SchemaNode> anyOf = new ArrayList<>();
    final List<SchemaNode> oneOf = new ArrayList<>();
    SchemaNode not;
    SchemaNode ifSchema;
    SchemaNode thenSchema;
    SchemaNode elseSchema;

    /** gojsonschema's rendering of the allowed types: {@code undefined}, {@code t} or {@code [a,b]}. */
    String typesString() {
        if (types.isEmpty()) return "undefined";
        if (types.size() == 1) return types.getFirst();
        return "[" + String.join(",", types) + "]";
    }
}
