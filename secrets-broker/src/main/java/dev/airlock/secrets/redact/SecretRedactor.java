package dev.airlock.secrets.redact;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redacts real secret values from a byte stream fed in chunks split anywhere.
 *
 * <p>Every byte that belongs to an occurrence of any pattern ({@link SecretEncodings}) is
 * overwritten with {@link RedactionPatterns#FILL}: the output has exactly the input's length,
 * so a response's {@code Content-Length} (and any length-prefixed framing inside it, such as
 * gRPC messages) stays valid and the gateway can forward chunks as they come. Overlapping
 * occurrences simply overwrite the union of their bytes.
 *
 * <p>A chunk's output is returned at once, except for its last few bytes while they could
 * still be the start of an occurrence that the next chunk completes: at most
 * (longest pattern − 1) bytes are held back, and {@link #finish()} releases them at the end of
 * the stream. Matching is an Aho–Corasick walk, linear in the input. Not thread-safe: one
 * instance per stream.
 */
public final class SecretRedactor {
    private final RedactionPatterns patterns;
    private final AhoCorasick automaton;
    private int state = AhoCorasick.ROOT;
    /** Bytes not yet returned; {@code pending[0]} is stream offset {@code emitted}. */
    private byte[] pending = new byte[0];
    private int pendingLength;
    private long emitted;
    /** Stream offset one past the last counted occurrence, per secret, so overlapping encodings of one occurrence count once. */
    private final long[] countedUntil;
    private final long[] counts;
    private boolean finished;

    SecretRedactor(RedactionPatterns patterns) {
        this.patterns = patterns;
        this.automaton = patterns.automaton();
        this.countedUntil = new long[patterns.secretCount()];
        this.counts = new long[patterns.secretCount()];
    }

    public byte[] update(byte[] chunk) {
        return update(chunk, 0, chunk.length);
    }

    /** Feeds {@code length} bytes and returns the redacted bytes that are now final (possibly none). */
    public byte[] update(byte[] chunk, int offset, int length) {
        if (finished) {
            throw new IllegalStateException("update() after finish()");
        }
        if (automaton == null) {
            return Arrays.copyOfRange(chunk, offset, offset + length);
        }
        ensureCapacity(pendingLength + length);
        System.arraycopy(chunk, offset, pending, pendingLength, length);
        int end = pendingLength + length;
        for (int i = pendingLength; i < end; i++) {
            state = automaton.next(state, pending[i] & 0xFF);
            int match = automaton.output(state) >= 0 ? state : automaton.dictionaryLink(state);
            while (match >= 0) {
                redact(automaton.output(match), i);
                match = automaton.dictionaryLink(match);
            }
        }
        pendingLength = end;
        int hold = Math.min(automaton.depth(state), automaton.maxPatternLength() - 1);
        return release(pendingLength - hold);
    }

    /** Ends the stream: returns the held-back bytes. */
    public byte[] finish() {
        if (finished) {
            return new byte[0];
        }
        finished = true;
        return release(pendingLength);
    }

    /** Occurrences redacted so far, per secret name (secrets with none are left out). */
    public Map<String, Long> redactionCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                out.put(patterns.name(i), counts[i]);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    public long totalRedactions() {
        return Arrays.stream(counts).sum();
    }

    /** Bytes currently held back, for tests of the hold-back bound. */
    public int heldBack() {
        return pendingLength;
    }

    private void redact(int patternId, int lastIndex) {
        int length = automaton.patternLength(patternId);
        int first = lastIndex - length + 1;
        Arrays.fill(pending, first, lastIndex + 1, RedactionPatterns.FILL);
        long streamStart = emitted + first;
        long streamEnd = emitted + lastIndex + 1;
        for (int owner : patterns.owners(patternId)) {
            if (streamStart >= countedUntil[owner]) {
                counts[owner]++;
            }
            countedUntil[owner] = Math.max(countedUntil[owner], streamEnd);
        }
    }

    private byte[] release(int count) {
        byte[] out = Arrays.copyOf(pending, count);
        System.arraycopy(pending, count, pending, 0, pendingLength - count);
        pendingLength -= count;
        emitted += count;
        return out;
    }

    private void ensureCapacity(int needed) {
        if (pending.length < needed) {
            pending = Arrays.copyOf(pending, Math.max(needed, pending.length * 2));
        }
    }
}
