package dev.airlock.gateway.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.List;
import java.util.Map;

/**
 * Writes the body of a line — every field except {@code seq} and {@code prev}, which only
 * the writer thread knows — as a JSON object in a fixed field order, with Jackson's
 * streaming generator (no reflection, no intermediate tree). Bodies are encoded on the
 * caller's thread so the single writer thread only chains, hashes and writes.
 */
final class AuditRecordEncoder {
    private AuditRecordEncoder() {}

    static byte[] decision(AuditRecord r) {
        return encode(g -> {
            g.writeStringField("time", AuditTime.format(r.time()));
            g.writeStringField("kind", r.kind().wireName());
            g.writeStringField("decision_id", r.decisionId());
            g.writeStringField("agent", r.agent());
            g.writeStringField("phase", r.phase().wireName());
            g.writeObjectFieldStart("destination");
            g.writeStringField("host", r.destination().host());
            g.writeStringField("ip", r.destination().ip());
            g.writeNumberField("port", r.destination().port());
            g.writeEndObject();
            g.writeStringField("method", r.method());
            g.writeStringField("path", r.path());
            g.writeFieldName("status");
            if (r.status() == AuditRecord.NO_STATUS) {
                g.writeNull();
            } else {
                g.writeNumber(r.status());
            }
            g.writeNumberField("bytes_up", r.bytesUp());
            g.writeNumberField("bytes_down", r.bytesDown());
            g.writeNumberField("duration_ms", r.durationMs());
            g.writeBooleanField("allow", r.allow());
            g.writeStringField("reason", r.reason());
            g.writeStringField("policy_revision", r.policyRevision());
            writeNames(g, "secrets_injected", r.secretsInjected());
            if (!r.leak().isEmpty()) {
                writeNames(g, "leak", r.leak());
            }
            if (r.input() != null) {
                g.writeFieldName("input");
                writeValue(g, r.input());
            }
        });
    }

    /**
     * @param continues the file name of the log this one continues after rotation, or
     *     {@code null} for a new chain
     */
    static byte[] genesis(Instant time, String continues) {
        return encode(g -> {
            g.writeStringField("time", AuditTime.format(time));
            g.writeStringField("kind", RecordKind.GENESIS.wireName());
            g.writeStringField("format", "airlock-audit/1");
            g.writeStringField("continues", continues);
        });
    }

    static byte[] recovery(Instant time, TornTail torn) {
        return encode(g -> {
            g.writeStringField("time", AuditTime.format(time));
            g.writeStringField("kind", RecordKind.RECOVERY.wireName());
            g.writeStringField("reason", torn.why());
            g.writeNumberField("torn_bytes", torn.length());
            g.writeStringField("torn_file", torn.savedAs());
            g.writeStringField("torn_sha256", torn.sha256());
        });
    }

    /**
     * Writes a policy value through the log's own generator, so the input obeys the log's
     * escaping rules like every other field. Objects keep the value's (sorted) key order.
     */
    private static void writeValue(JsonGenerator g, Value v) throws IOException {
        switch (v) {
            case StringValue s -> g.writeString(s.value());
            case NumberValue n -> g.writeNumber(n.toString()); // as the policy engine writes numbers
            case BoolValue b -> g.writeBoolean(b.value());
            case NullValue ignored -> g.writeNull();
            case ArrayValue a -> {
                g.writeStartArray();
                for (Value e : a.elements()) writeValue(g, e);
                g.writeEndArray();
            }
            case SetValue s -> {
                g.writeStartArray();
                for (Value e : s.elements()) writeValue(g, e);
                g.writeEndArray();
            }
            case ObjectValue o -> {
                g.writeStartObject();
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    g.writeFieldName(e.getKey() instanceof StringValue k ? k.value() : Json.write(e.getKey()));
                    writeValue(g, e.getValue());
                }
                g.writeEndObject();
            }
        }
    }

    private static void writeNames(JsonGenerator g, String field, List<String> names) throws IOException {
        g.writeArrayFieldStart(field);
        for (String name : names) {
            g.writeString(name);
        }
        g.writeEndArray();
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] encode(Fields fields) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(512)) {
            try (JsonGenerator g = AuditJson.MAPPER.createGenerator(out)) {
                g.writeStartObject();
                fields.write(g);
                g.writeEndObject();
            }
            return out.toByteArray();
        } catch (IOException e) {
            // Writing to memory only fails on a bug (e.g. an unencodable tree node).
            throw new UncheckedIOException("could not encode audit record", e);
        }
    }
}
