package dev.airlock.gateway.audit;

import java.nio.file.Path;

/**
 * The first place where a log stops being the chain it claims to be.
 *
 * @param file the file the problem is in
 * @param line 1-based line number (0 when the file has no lines)
 * @param seq the seq that line claims, or -1 when it has none
 * @param problem what is wrong and what it means
 */
public record ChainBreak(Path file, long line, long seq, String problem) {
    /** {@code FILE line 12 (seq 12): problem}. */
    public String describe() {
        return file + " line " + line + (seq >= 0 ? " (seq " + seq + ")" : "") + ": " + problem;
    }
}
