package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.audit.AuditLog;
import dev.airlock.gateway.audit.AuditRecord;
import dev.airlock.gateway.audit.Phase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code airlock audit verify|query} through the real command tree, on logs the gateway's writer made. */
class AuditCliTest {
    @TempDir
    Path dir;

    private Path log;
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private AuditRecord.Builder base(String decisionId, Instant time) {
        return AuditRecord.builder().decisionId(decisionId).time(time).policyRevision("rev-1").phase(Phase.REQUEST);
    }

    /** Five decisions: three hours ago, then within the last few minutes. */
    @BeforeEach
    void writeLog() throws Exception {
        log = dir.resolve("audit.log");
        try (AuditLog audit = AuditLog.open(log)) {
            audit.append(base("d-1", now.minus(3, ChronoUnit.HOURS)).agent("ci-bot")
                    .destination("api.openai.com", "104.18.6.192", 443).method("POST").path("/v1/responses")
                    .status(200).allow(true).reason("allowed: openai for ci").secretsInjected(List.of("OPENAI_API_KEY"))
                    .build()).get();
            audit.append(base("d-2", now.minus(2, ChronoUnit.HOURS)).agent("ci-bot").phase(Phase.CONNECT)
                    .destination("evil.example.com", "203.0.113.9", 443).allow(false)
                    .reason("host not in allow list").build()).get();
            audit.append(base("d-3", now.minus(5, ChronoUnit.MINUTES)).agent("dev-agent")
                    .destination("registry.npmjs.org", "104.16.1.1", 443).method("GET").path("/left-pad")
                    .status(200).allow(true).reason("allowed: package registries").build()).get();
            audit.append(base("d-4", now.minus(4, ChronoUnit.MINUTES)).agent("dev-agent")
                    .destination("uploads.openai.com", "104.18.7.1", 443).method("PUT").path("/x\u001b[2J\nfake row")
                    .status(403).allow(false).reason("placeholder bound for another host")
                    .leak(List.of("GITHUB_TOKEN")).build()).get();
            audit.append(base("d-5", now.minus(1, ChronoUnit.MINUTES)).agent("ci-bot")
                    .destination("github.com", "140.82.112.3", 443).method("GET").path("/airlock")
                    .status(200).allow(true).reason("allowed: github").build()).get();
        }
    }

    private List<String> lines() throws Exception {
        return new ArrayList<>(Arrays.asList(Files.readString(log, StandardCharsets.UTF_8).split("\n")));
    }

    private void write(List<String> lines) throws Exception {
        Files.writeString(log, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    // ---- verify ----

    @Test
    void verifyReportsAnIntactChainAndExits0() {
        CliRun r = CliRun.of("audit", "verify", log.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().matches("audit: 6 records verified, chain intact, last hash [0-9a-f]{64} \\(seq 6\\),"
                + " matches head file .*audit\\.log\\.head\\n"), r.out());
    }

    @Test
    void verifyNamesTheFirstBadRecordAndExits1() throws Exception {
        List<String> lines = lines();
        lines.set(2, lines.get(2).replace("host not in allow list", "host in allow list"));
        write(lines);
        CliRun r = CliRun.of("audit", "verify", log.toString());
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().contains("audit: chain broken: " + log + " line 4 (seq 4): prev does not match the SHA-256"
                + " of line 3 (seq 3): line 3 was modified"), r.err());
        assertTrue(r.err().contains("audit: 3 records verified before the break"), r.err());
    }

    @Test
    void verifyCatchesADeletedFirstLine() throws Exception {
        List<String> lines = lines();
        lines.removeFirst();
        write(lines);
        CliRun r = CliRun.of("audit", "verify", log.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("line 1 (seq 2): the file does not start with a genesis record"), r.err());
    }

    @Test
    void verifyCatchesATruncatedTailThroughTheHeadFileOnly() throws Exception {
        List<String> lines = lines();
        write(lines.subList(0, 4));
        CliRun withHead = CliRun.of("audit", "verify", log.toString());
        assertEquals(1, withHead.exitCode());
        assertTrue(withHead.err().contains("the last 2 record(s) were deleted (truncated tail)"), withHead.err());

        CliRun withoutHead = CliRun.of("audit", "verify", "--no-head", log.toString());
        assertEquals(0, withoutHead.exitCode(), withoutHead.err());
        assertTrue(withoutHead.err().contains("note: no head file or expected head given"), withoutHead.err());
    }

    @Test
    void verifyChecksExpectedSeqAndHash() {
        CliRun first = CliRun.of("audit", "verify", log.toString());
        Matcher m = Pattern.compile("last hash ([0-9a-f]{64})").matcher(first.out());
        assertTrue(m.find(), first.out());
        assertEquals(0, CliRun.of("audit", "verify", "--no-head", "--expect-head", m.group(1), "--expect-seq", "6",
                log.toString()).exitCode());
        CliRun wrongSeq = CliRun.of("audit", "verify", "--no-head", "--expect-seq", "9", log.toString());
        assertEquals(1, wrongSeq.exitCode());
        assertTrue(wrongSeq.err().contains("ends at seq 6 but seq 9 was expected"), wrongSeq.err());
        CliRun badHash = CliRun.of("audit", "verify", "--expect-head", "abc", log.toString());
        assertEquals(2, badHash.exitCode());
        assertTrue(badHash.err().contains("--expect-head: expected 64 hex digits"), badHash.err());
    }

    @Test
    void verifyOfAMissingFileFails() {
        CliRun r = CliRun.of("audit", "verify", dir.resolve("nope.log").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("nope.log: no such file"), r.err());
    }

    // ---- query ----

    @Test
    void queryPrintsAnAlignedTable() {
        CliRun r = CliRun.of("audit", "query", log.toString());
        assertEquals(0, r.exitCode(), r.err());
        String[] rows = r.out().split("\n");
        assertEquals(6, rows.length, r.out());
        assertTrue(rows[0].matches("TIME +AGENT +PHASE +DECISION +DESTINATION +REQUEST +STATUS +REASON"), rows[0]);
        int reasonColumn = rows[0].indexOf("REASON");
        int destinationColumn = rows[0].indexOf("DESTINATION");
        for (int i = 1; i < rows.length; i++) {
            assertEquals(' ', rows[i].charAt(reasonColumn - 1), "aligned: " + rows[i]);
            assertFalse(rows[i].substring(destinationColumn, destinationColumn + 1).isBlank(), "aligned: " + rows[i]);
        }
        assertTrue(rows[1].contains("ci-bot") && rows[1].contains("ALLOW") && rows[1].contains("api.openai.com:443")
                && rows[1].contains("POST /v1/responses") && rows[1].contains("200")
                && rows[1].endsWith("allowed: openai for ci"), rows[1]);
        assertTrue(rows[2].contains("connect") && rows[2].contains("DENY") && rows[2].contains(" - "), rows[2]);
    }

    @Test
    void queryShowsHostileStringsAsEscapesNotAsTerminalControl() {
        CliRun r = CliRun.of("audit", "query", "--denied", "--agent", "dev-agent", log.toString());
        assertEquals(2, r.out().split("\n").length, r.out());
        assertTrue(r.out().contains("PUT /x\\u001b[2J\\u000afake row"), r.out());
        assertFalse(r.out().contains("\u001b"), "no raw escape character reaches the terminal");
    }

    @Test
    void queryFiltersDenied() {
        CliRun r = CliRun.of("audit", "query", "--denied", "--json", log.toString());
        assertEquals(List.of("d-2", "d-4"), decisionIds(r.out()));
    }

    @Test
    void queryFiltersAgent() {
        CliRun r = CliRun.of("audit", "query", "--agent", "ci-bot", "--json", log.toString());
        assertEquals(List.of("d-1", "d-2", "d-5"), decisionIds(r.out()));
    }

    @Test
    void queryFiltersHostByGlob() {
        assertEquals(List.of("d-1", "d-4"), decisionIds(CliRun.of("audit", "query", "--host", "*.OpenAI.com", "--json",
                log.toString()).out()));
        assertEquals(List.of("d-5"), decisionIds(CliRun.of("audit", "query", "--host", "git?ub.com", "--json",
                log.toString()).out()));
    }

    @Test
    void queryFiltersSinceADurationOrATime() {
        assertEquals(List.of("d-3", "d-4", "d-5"), decisionIds(CliRun.of("audit", "query", "--since", "1h", "--json",
                log.toString()).out()));
        assertEquals(List.of("d-2", "d-3", "d-4", "d-5"), decisionIds(CliRun.of("audit", "query", "--since", "2h30m",
                "--json", log.toString()).out()));
        String at = now.minus(2, ChronoUnit.MINUTES).toString();
        assertEquals(List.of("d-5"), decisionIds(CliRun.of("audit", "query", "--since", at, "--json", log.toString()).out()));
    }

    @Test
    void filtersCombine() {
        assertEquals(List.of("d-4"), decisionIds(CliRun.of("audit", "query", "--denied", "--since", "1h", "--host",
                "*.openai.com", "--json", log.toString()).out()));
    }

    @Test
    void jsonOutputIsTheStoredLinesVerbatim() throws Exception {
        CliRun r = CliRun.of("audit", "query", "--json", log.toString());
        List<String> stored = lines();
        assertEquals(String.join("\n", stored.subList(1, stored.size())) + "\n", r.out(),
                "every decision, byte for byte, without the genesis record");
    }

    @Test
    void queryWithNoMatchesSaysSo() {
        CliRun r = CliRun.of("audit", "query", "--agent", "nobody", log.toString());
        assertEquals(0, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().contains("no matching decisions"), r.err());
    }

    @Test
    void queryWarnsAboutLinesThatAreNotRecords() throws Exception {
        List<String> lines = lines();
        lines.add(3, "garbage");
        write(lines);
        CliRun r = CliRun.of("audit", "query", "--json", log.toString());
        assertEquals(5, decisionIds(r.out()).size());
        assertTrue(r.err().contains("skipped 1 line(s)") && r.err().contains("line 4: not JSON"), r.err());
    }

    @Test
    void aBadSinceIsAUsageError() {
        CliRun r = CliRun.of("audit", "query", "--since", "yesterday", log.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--since: expected an RFC 3339 time"), r.err());
    }

    @Test
    void auditWithoutASubcommandIsAUsageError() {
        CliRun r = CliRun.of("audit");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required subcommand"), r.err());
    }

    private static List<String> decisionIds(String jsonLines) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("\"decision_id\":\"([^\"]+)\"").matcher(jsonLines);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
