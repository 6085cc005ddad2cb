package dev.airlock.secrets.redact;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled, immutable matcher for one set of secret values: every {@link SecretEncodings}
 * variant of every value in one Aho–Corasick automaton. Built once per loaded secrets file and
 * shared; each response stream gets its own {@link #newRedactor()}.
 */
public final class RedactionPatterns {
    /** Redacted bytes are overwritten with this: same length, ASCII, legal inside JSON strings, URLs and headers. */
    public static final byte FILL = '*';

    private final AhoCorasick automaton;
    /** For each pattern id, the indexes (into {@link #names}) of the secrets it belongs to. */
    private final int[][] owners;
    private final String[] names;

    private RedactionPatterns(AhoCorasick automaton, int[][] owners, String[] names) {
        this.automaton = automaton;
        this.owners = owners;
        this.names = names;
    }

    /** Compiles the patterns for {@code secrets} (name → value bytes, in a stable order). */
    public static RedactionPatterns compile(Map<String, byte[]> secrets) {
        String[] names = secrets.keySet().toArray(String[]::new);
        // Identical patterns (two secrets with the same value) become one, owned by both.
        Map<String, List<Integer>> byPattern = new LinkedHashMap<>();
        Map<String, byte[]> bytesByKey = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            for (byte[] pattern : SecretEncodings.patterns(secrets.get(names[i]))) {
                String key = new String(pattern, StandardCharsets.ISO_8859_1);
                byPattern.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                bytesByKey.putIfAbsent(key, pattern);
            }
        }
        List<byte[]> patterns = new ArrayList<>(bytesByKey.values());
        int[][] owners = new int[patterns.size()][];
        int id = 0;
        for (List<Integer> o : byPattern.values()) {
            owners[id++] = o.stream().mapToInt(Integer::intValue).distinct().toArray();
        }
        AhoCorasick automaton = patterns.isEmpty() ? null : new AhoCorasick(patterns);
        return new RedactionPatterns(automaton, owners, names);
    }

    /** A fresh streaming redactor (one per response body or header block). */
    public SecretRedactor newRedactor() {
        return new SecretRedactor(this);
    }

    /** Redacts a complete byte array in one go (e.g. a header value). */
    public byte[] redact(byte[] whole) {
        SecretRedactor r = newRedactor();
        byte[] head = r.update(whole, 0, whole.length);
        byte[] tail = r.finish();
        if (tail.length == 0) {
            return head;
        }
        byte[] out = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    /** The longest pattern; a redactor never holds back more than this minus one byte. */
    public int maxPatternLength() {
        return automaton == null ? 0 : automaton.maxPatternLength();
    }

    boolean isEmpty() {
        return automaton == null;
    }

    AhoCorasick automaton() {
        return automaton;
    }

    int[] owners(int patternId) {
        return owners[patternId];
    }

    String name(int ownerIndex) {
        return names[ownerIndex];
    }

    int secretCount() {
        return names.length;
    }
}
