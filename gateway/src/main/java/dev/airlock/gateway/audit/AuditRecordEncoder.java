package dev.airlock.gateway.audit;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes the body of a line — every field except {@code seq} and {@code prev}, which only
 * the writer thread knows — as a JSON object in a fixed field order. Bodies are encoded on the
 * caller's thread so the single writer thread only chains, hashes and writes.
 *
 * <p>Written by hand rather than with a JSON library's generator: the log's escaping rule is
 * simple and strict (pure ASCII; {@code "} and {@code \} as {@code \"} and {@code \\}; every
 * other character outside printable ASCII, controls and DEL included, as {@code \\uXXXX}), and
 * a generator set up per record cost more than the rest of the record's encoding. Lines are
 * read back with Jackson.
 */
final class AuditRecordEncoder {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buf = new byte[1024];
    private int len;
    /** Bit d set: the object or array open at depth d has no member yet. */
    private long emptyAtDepth;
    private int depth;
    private boolean afterName;

    private AuditRecordEncoder() {}

    static byte[] decision(AuditRecord r) {
        AuditRecordEncoder w = new AuditRecordEncoder();
        w.open('{');
        w.name("time").string(AuditTime.format(r.time()));
        w.name("kind").string(r.kind().wireName());
        w.name("decision_id").string(r.decisionId());
        w.name("agent").string(r.agent());
        w.name("phase").string(r.phase().wireName());
        w.name("destination").open('{');
        w.name("host").string(r.destination().host());
        w.name("ip").string(r.destination().ip());
        w.name("port").number(r.destination().port());
        w.close('}');
        w.name("method").string(r.method());
        w.name("path").string(r.path());
        w.name("status");
        if (r.status() == AuditRecord.NO_STATUS) {
            w.literal("null");
        } else {
            w.number(r.status());
        }
        w.name("bytes_up").number(r.bytesUp());
        w.name("bytes_down").number(r.bytesDown());
        w.name("duration_ms").number(r.durationMs());
        w.name("allow").literal(r.allow() ? "true" : "false");
        w.name("reason").string(r.reason());
        w.name("policy_revision").string(r.policyRevision());
        w.name("secrets_injected").strings(r.secretsInjected());
        if (!r.leak().isEmpty()) {
            w.name("leak").strings(r.leak());
        }
        if (r.input() != null) {
            w.name("input").value(r.input());
        }
        w.close('}');
        return w.toByteArray();
    }

    /**
     * @param continues the file name of the log this one continues after rotation, or
     *     {@code null} for a new chain
     */
    static byte[] genesis(Instant time, String continues) {
        AuditRecordEncoder w = new AuditRecordEncoder();
        w.open('{');
        w.name("time").string(AuditTime.format(time));
        w.name("kind").string(RecordKind.GENESIS.wireName());
        w.name("format").string("airlock-audit/1");
        w.name("continues").string(continues);
        w.close('}');
        return w.toByteArray();
    }

    static byte[] recovery(Instant time, TornTail torn) {
        AuditRecordEncoder w = new AuditRecordEncoder();
        w.open('{');
        w.name("time").string(AuditTime.format(time));
        w.name("kind").string(RecordKind.RECOVERY.wireName());
        w.name("reason").string(torn.why());
        w.name("torn_bytes").number(torn.length());
        w.name("torn_file").string(torn.savedAs());
        w.name("torn_sha256").string(torn.sha256());
        w.close('}');
        return w.toByteArray();
    }

    // ---- the writer ----

    private void open(char bracket) {
        separate();
        put((byte) bracket);
        depth++;
        if (depth >= 64) throw new IllegalArgumentException("audit record nested too deeply");
        emptyAtDepth |= 1L << depth;
    }

    private void close(char bracket) {
        put((byte) bracket);
        depth--;
    }

    private AuditRecordEncoder name(String name) {
        separate();
        quoted(name);
        put((byte) ':');
        afterName = true;
        return this;
    }

    /** The comma before a member, unless it is the first of its object or array (or follows its name). */
    private void separate() {
        if (afterName) {
            afterName = false;
        } else if ((emptyAtDepth & 1L << depth) == 0 && depth > 0) {
            put((byte) ',');
        }
        emptyAtDepth &= ~(1L << depth);
    }

    private void string(String s) {
        separate();
        if (s == null) {
            ascii("null");
        } else {
            quoted(s);
        }
    }

    private void literal(String ascii) {
        separate();
        ascii(ascii);
    }

    private void number(long n) {
        literal(Long.toString(n));
    }

    private void strings(List<String> items) {
        open('[');
        for (String s : items) string(s);
        close(']');
    }

    /** A policy value; objects keep the value's (sorted) key order, sets are written as arrays. */
    private void value(Value v) {
        switch (v) {
            case StringValue s -> string(s.value());
            case NumberValue n -> literal(n.toString()); // as the policy engine writes numbers
            case BoolValue b -> literal(b.value() ? "true" : "false");
            case NullValue ignored -> literal("null");
            case ArrayValue a -> {
                open('[');
                for (Value e : a.elements()) value(e);
                close(']');
            }
            case SetValue s -> {
                open('[');
                for (Value e : s.elements()) value(e);
                close(']');
            }
            case ObjectValue o -> {
                open('{');
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    name(e.getKey() instanceof StringValue k ? k.value() : Json.write(e.getKey()));
                    value(e.getValue());
                }
                close('}');
            }
        }
    }

    private void quoted(String s) {
        ensure(s.length() + 2);
        buf[len++] = '"';
        // Most strings need no escape: copy them in bulk (the JDK's ASCII encoder is an
        // intrinsic), checking the bytes afterwards; characters it could not encode became '?'.
        byte[] ascii = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (ascii.length == s.length() && plain(ascii, s)) { // a surrogate pair encodes as one '?'
            System.arraycopy(ascii, 0, buf, len, ascii.length);
            len += ascii.length;
            buf[len++] = '"';
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                if (len == buf.length) ensure(1);
                buf[len++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                ensure(2);
                buf[len++] = '\\';
                buf[len++] = (byte) c;
            } else {
                ensure(6);
                buf[len++] = '\\';
                buf[len++] = 'u';
                buf[len++] = HEX[c >> 12 & 0xF];
                buf[len++] = HEX[c >> 8 & 0xF];
                buf[len++] = HEX[c >> 4 & 0xF];
                buf[len++] = HEX[c & 0xF];
            }
        }
        ensure(1);
        buf[len++] = '"';
    }

    private static boolean plain(byte[] ascii, String s) {
        for (int i = 0; i < ascii.length; i++) {
            byte b = ascii[i];
            if (b < 0x20 || b == 0x7f || b == '"' || b == '\\' || b == '?' && s.charAt(i) != '?') return false;
        }
        return true;
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) buf[len++] = (byte) s.charAt(i);
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int more) {
        if (len + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }

    private byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
