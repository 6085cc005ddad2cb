package dev.airlock.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a stored line back into an {@link AuditEntry}; the inverse of the encoder. */
final class AuditRecordDecoder {
    private AuditRecordDecoder() {}

    /** Parses one line; throws {@link IllegalArgumentException} saying what is wrong with it. */
    static AuditEntry decode(long lineNumber, byte[] line) {
        JsonNode node;
        try {
            node = AuditJson.MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        long seq = requiredLong(node, "seq");
        RecordKind kind = RecordKind.fromWireName(node.path("kind").asText());
        if (kind == null) {
            throw new IllegalArgumentException("unknown kind " + node.path("kind"));
        }
        java.time.Instant time;
        try {
            time = AuditTime.parse(requiredText(node, "time"));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("time is not RFC 3339: " + node.path("time").asText());
        }
        AuditRecord record = kind == RecordKind.DECISION || kind == RecordKind.OUTCOME ? record(node, kind, time) : null;
        return new AuditEntry(lineNumber, seq, kind, time, record, new String(line, StandardCharsets.UTF_8));
    }

    private static AuditRecord record(JsonNode n, RecordKind kind, java.time.Instant time) {
        Phase phase = Phase.fromWireName(n.path("phase").asText());
        if (phase == null) {
            throw new IllegalArgumentException("unknown phase " + n.path("phase"));
        }
        JsonNode d = n.path("destination");
        JsonNode input = n.get("input");
        try {
            return new AuditRecord(time, kind, requiredText(n, "decision_id"), requiredText(n, "agent"), phase,
                    new Destination(requiredText(d, "host"), text(d, "ip"), d.path("port").asInt()),
                    text(n, "method"), text(n, "path"), n.path("status").asInt(AuditRecord.NO_STATUS),
                    n.path("bytes_up").asLong(), n.path("bytes_down").asLong(), n.path("duration_ms").asLong(),
                    n.path("allow").asBoolean(false), requiredText(n, "reason"), requiredText(n, "policy_revision"),
                    names(n.get("secrets_injected")), names(n.get("leak")),
                    input == null || input.isNull() ? null : inputValue(input));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid " + kind.wireName() + " record: " + e.getMessage());
        }
    }

    private static ObjectValue inputValue(JsonNode input) {
        if (!input.isObject()) throw new IllegalArgumentException("input is not an object");
        try {
            return (ObjectValue) Json.parse(input.toString());
        } catch (Json.ParseException e) {
            throw new IllegalArgumentException("input: " + e.getMessage());
        }
    }

    private static long requiredLong(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("missing or non-integer \"" + field + "\"");
        }
        return v.asLong();
    }

    private static String requiredText(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing or non-string \"" + field + "\"");
        }
        return v.asText();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(e -> out.add(e.asText()));
        }
        return out;
    }
}
