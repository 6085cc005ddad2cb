package dev.airlock.gateway.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import java.util.List;
import java.util.Map;

/** Test data and file helpers shared by the audit tests. */
final class Records {
    static final Instant T0 = Instant.parse("2025-03-01T12:00:00.123456Z");

    private Records() {}

    /** A plausible request decision; even numbers allow, odd numbers deny. */
    static AuditRecord decision(int i) {
        ObjectValue input = ObjectValue.of(Map.of(
                StringValue.of("phase"), StringValue.of("request"),
                StringValue.of("request"), ObjectValue.of(Map.of(
                        StringValue.of("method"), StringValue.of("POST"), StringValue.of("path"), StringValue.of("/v1/items/" + i)))));
        return AuditRecord.builder()
                .time(T0.plusMillis(i))
                .decisionId("d-" + i)
                .agent(i % 3 == 0 ? "ci-bot" : "dev-agent")
                .phase(Phase.REQUEST)
                .destination(i % 4 == 0 ? "api.openai.com" : "registry.npmjs.org", "104.18.6." + (i % 250), 443)
                .method("POST")
                .path("/v1/items/" + i)
                .status(i % 2 == 0 ? 200 : 403)
                .bytesUp(100 + i)
                .bytesDown(2000 + i)
                .durationMs(i % 50)
                .allow(i % 2 == 0)
                .reason(i % 2 == 0 ? "allowed by rule api_hosts" : "host not in allow list")
                .policyRevision("rev-7")
                .secretsInjected(i % 4 == 0 ? List.of("OPENAI_API_KEY") : List.of())
                .input(input)
                .build();
    }

    /** The file's lines (without newlines), decoded as UTF-8; only for small test logs. */
    static List<String> lines(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
            if (out.getLast().isEmpty()) {
                out.removeLast();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeLines(Path file, List<String> lines) {
        try {
            Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a log with a genesis record and {@code n} decisions, closed cleanly. */
    static void writeLog(Path file, int n) throws Exception {
        try (AuditLog log = AuditLog.open(file)) {
            for (int i = 1; i <= n; i++) {
                log.append(decision(i)).get();
            }
        }
    }
}
