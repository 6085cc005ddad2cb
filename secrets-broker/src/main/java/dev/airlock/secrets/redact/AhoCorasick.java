package dev.airlock.secrets.redact;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * An Aho–Corasick automaton over bytes: feeds one byte at a time in amortized constant time and
 * reports every pattern that ends at that byte, however the patterns overlap.
 *
 * <p>Transitions are stored sparsely (sorted child arrays, binary-searched) except at the root,
 * which is dense: the automaton for a few hundred patterns of ~100 bytes stays in kilobytes
 * where a full 256-wide DFA would take megabytes.
 */
final class AhoCorasick {
    static final int ROOT = 0;

    private final byte[][] childKeys;
    private final int[][] childTargets;
    private final int[] rootNext = new int[256];
    private final int[] fail;
    private final int[] depth;
    /** Pattern id recognized exactly at this state, or -1. */
    private final int[] output;
    /** The nearest state on the failure chain with an output, or -1. */
    private final int[] dictionaryLink;
    private final int[] patternLengths;
    private final int maxPatternLength;

    AhoCorasick(List<byte[]> patterns) {
        List<TreeMap<Integer, Integer>> trie = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        List<Integer> outputs = new ArrayList<>();
        trie.add(new TreeMap<>());
        depths.add(0);
        outputs.add(-1);
        patternLengths = new int[patterns.size()];
        int max = 0;
        for (int id = 0; id < patterns.size(); id++) {
            byte[] p = patterns.get(id);
            if (p.length == 0) {
                throw new IllegalArgumentException("empty pattern");
            }
            patternLengths[id] = p.length;
            max = Math.max(max, p.length);
            int state = ROOT;
            for (byte b : p) {
                Integer next = trie.get(state).get(b & 0xFF);
                if (next == null) {
                    next = trie.size();
                    trie.add(new TreeMap<>());
                    depths.add(depths.get(state) + 1);
                    outputs.add(-1);
                    trie.get(state).put(b & 0xFF, next);
                }
                state = next;
            }
            if (outputs.get(state) >= 0) {
                throw new IllegalArgumentException("duplicate pattern " + id);
            }
            outputs.set(state, id);
        }
        maxPatternLength = max;
        int n = trie.size();
        childKeys = new byte[n][];
        childTargets = new int[n][];
        depth = new int[n];
        output = new int[n];
        for (int s = 0; s < n; s++) {
            TreeMap<Integer, Integer> children = trie.get(s);
            childKeys[s] = new byte[children.size()];
            childTargets[s] = new int[children.size()];
            int i = 0;
            for (var e : children.entrySet()) {
                childKeys[s][i] = (byte) (int) e.getKey();
                childTargets[s][i] = e.getValue();
                i++;
            }
            depth[s] = depths.get(s);
            output[s] = outputs.get(s);
        }
        fail = new int[n];
        dictionaryLink = new int[n];
        Arrays.fill(dictionaryLink, -1);
        Arrays.fill(rootNext, ROOT);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int i = 0; i < childKeys[ROOT].length; i++) {
            int child = childTargets[ROOT][i];
            rootNext[childKeys[ROOT][i] & 0xFF] = child;
            fail[child] = ROOT;
            queue.add(child);
        }
        // Breadth-first, so a state's failure target (shallower) is final before it is used.
        while (!queue.isEmpty()) {
            int s = queue.poll();
            for (int i = 0; i < childKeys[s].length; i++) {
                int b = childKeys[s][i] & 0xFF;
                int child = childTargets[s][i];
                fail[child] = next(fail[s], b);
                int f = fail[child];
                dictionaryLink[child] = output[f] >= 0 ? f : dictionaryLink[f];
                queue.add(child);
            }
        }
    }

    /** The state after reading byte {@code b} (0-255) in {@code state}. */
    int next(int state, int b) {
        while (state != ROOT) {
            int t = child(state, b);
            if (t >= 0) {
                return t;
            }
            state = fail[state];
        }
        return rootNext[b];
    }

    private int child(int state, int b) {
        byte[] keys = childKeys[state];
        int lo = 0;
        int hi = keys.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int k = keys[mid] & 0xFF;
            if (k < b) {
                lo = mid + 1;
            } else if (k > b) {
                hi = mid - 1;
            } else {
                return childTargets[state][mid];
            }
        }
        return -1;
    }

    /** Pattern id ending exactly at {@code state}, or -1. */
    int output(int state) {
        return output[state];
    }

    /** Next state with an output on the failure chain of {@code state}, or -1. */
    int dictionaryLink(int state) {
        return dictionaryLink[state];
    }

    /** Length of the longest input suffix that may still become a match. */
    int depth(int state) {
        return depth[state];
    }

    int patternLength(int id) {
        return patternLengths[id];
    }

    int maxPatternLength() {
        return maxPatternLength;
    }

    int stateCount() {
        return depth.length;
    }
}
