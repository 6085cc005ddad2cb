package dev.airlock.gateway.audit;

import java.security.MessageDigest;

/**
 * The chain's running state — last {@code seq} and the hash of the last line — and the one
 * place a body becomes a line: {@code {"seq":N,<body fields>,"prev":"<hash>"}}. Not thread
 * safe: only the writer thread (or {@link AuditLog#open} before it starts) touches it, which
 * is what makes sequence order equal file order.
 */
final class HashChain {
    /** A point to roll back to when a batch could not be written. */
    record Mark(long lastSeq, String lastHash) {}

    private final MessageDigest sha256 = ChainHash.newDigest();
    private long lastSeq;
    private String lastHash;

    HashChain(long lastSeq, String lastHash) {
        this.lastSeq = lastSeq;
        this.lastHash = lastHash;
    }

    long lastSeq() {
        return lastSeq;
    }

    String lastHash() {
        return lastHash;
    }

    Mark mark() {
        return new Mark(lastSeq, lastHash);
    }

    void reset(Mark mark) {
        lastSeq = mark.lastSeq();
        lastHash = mark.lastHash();
    }

    /**
     * Appends the line for {@code body} (a JSON object from {@link AuditRecordEncoder}) and its
     * newline to {@code out}, advances the chain, and returns the line's seq.
     */
    long link(byte[] body, LineBuffer out) {
        long seq = lastSeq + 1;
        int start = out.size();
        out.putAscii("{\"seq\":");
        out.putAscii(Long.toString(seq));
        out.put((byte) ',');
        out.put(body, 1, body.length - 2); // the body's fields, without its braces
        out.putAscii(",\"prev\":\"");
        out.putAscii(lastHash);
        out.putAscii("\"}");
        sha256.update(out.array(), start, out.size() - start);
        lastHash = ChainHash.hex(sha256.digest());
        out.put((byte) '\n');
        lastSeq = seq;
        return seq;
    }
}
