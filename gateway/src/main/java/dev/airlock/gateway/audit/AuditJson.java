package dev.airlock.gateway.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Jackson configuration that reads audit lines back (verify, query, recovery, the head
 * file). Lines are written by {@link AuditRecordEncoder}, as pure ASCII with every character
 * outside printable ASCII escaped.
 */
final class AuditJson {
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AuditJson() {}
}
