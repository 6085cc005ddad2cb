package dev.airlock.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The log's head: the seq and hash of the last record known to be durable, kept in
 * {@code FILE.head} so that deleting records from the end of the log — which the chain
 * alone cannot reveal — is detected by {@code airlock audit verify} and refused by
 * {@link AuditLog#open}.
 *
 * <p>The file is one fixed-size slot: a JSON object padded with spaces to
 * {@value #SLOT_BYTES} bytes, overwritten in place with a single positional write after
 * every batch. The length never changes and the slot fits in one disk sector, so a crash
 * leaves either the old or the new head, never a mix — without a temp file, a rename and a
 * directory sync per batch. The slot is not forced per batch (that would double the flushes
 * group commit saves), so after a power loss it may lag the log by the last few batches: a
 * head <em>behind</em> the log is normal, a head <em>ahead</em> of it means records were
 * removed.
 *
 * @param seq the seq of the last durable record
 * @param hash SHA-256 of that record's line
 * @param time when the head was written
 */
public record AuditHead(long seq, String hash, Instant time) {
    static final int SLOT_BYTES = 256;

    /** The head file that belongs to {@code log}: the same name with {@code .head} appended. */
    public static Path pathFor(Path log) {
        return log.resolveSibling(log.getFileName() + ".head");
    }

    /**
     * Reads a head file; empty when it does not exist or is empty (a crash between creating
     * the file and its first write).
     */
    public static Optional<AuditHead> read(Path headFile) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(headFile);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length == 0) {
            return Optional.empty();
        }
        String problem = "it is not an airlock audit head (expected one JSON object with seq and hash)";
        if (bytes.length <= SLOT_BYTES) {
            try {
                JsonNode node = AuditJson.MAPPER.readTree(new String(bytes, StandardCharsets.US_ASCII).strip());
                if (node != null && node.path("seq").canConvertToLong() && ChainHash.isHash(node.path("hash").asText())) {
                    JsonNode time = node.get("time");
                    return Optional.of(new AuditHead(node.get("seq").asLong(), node.get("hash").asText(),
                            time == null ? null : AuditTime.parse(time.asText())));
                }
            } catch (IOException | RuntimeException e) {
                problem = "it does not parse: " + e.getMessage();
            }
        }
        throw new AuditLogException("cannot read the audit head file " + headFile + ": " + problem
                + ". If the log itself verifies (`airlock audit verify --no-head`), move the head file aside.");
    }

    /** Overwrites the slot in {@code ch} (opened on the head file) with this head. */
    void writeTo(FileChannel ch) throws IOException {
        String json = "{\"seq\":" + seq + ",\"hash\":\"" + hash + "\",\"time\":\"" + AuditTime.format(time) + "\"}";
        byte[] slot = new byte[SLOT_BYTES];
        Arrays.fill(slot, (byte) ' ');
        byte[] text = json.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, slot, 0, text.length);
        slot[SLOT_BYTES - 1] = '\n';
        ByteBuffer buf = ByteBuffer.wrap(slot);
        while (buf.hasRemaining()) {
            ch.write(buf, buf.position());
        }
    }

    static FileChannel openSlot(Path headFile) throws IOException {
        return FileChannel.open(headFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
}
