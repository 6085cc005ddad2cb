package dev.airlock.gateway.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Jackson configuration shared by everything that writes or reads audit lines.
 *
 * <p>Lines are written as pure ASCII: every character outside ASCII, and every control
 * character, is a {@code \\uXXXX} escape. So a line can never contain a raw newline, a
 * terminal escape sequence or a bidi override that would make {@code less} or {@code grep}
 * show a reviewer something other than what is recorded, and a lone UTF-16 surrogate
 * from a hostile request is kept exactly (as an escape) instead of failing the write.
 */
final class AuditJson {
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();

    /** Used only as the generator's codec (to write the input tree) and to read lines back. */
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AuditJson() {}
}
