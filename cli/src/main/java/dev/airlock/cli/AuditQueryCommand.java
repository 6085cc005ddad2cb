package dev.airlock.cli;

import dev.airlock.gateway.audit.AuditEntry;
import dev.airlock.gateway.audit.AuditFilter;
import dev.airlock.gateway.audit.AuditLogReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "query", mixinStandardHelpOptions = true,
        description = {
            "Print the decisions in an audit log that match every given filter, as a table or as JSON lines.",
            "Streams the file, so it works on logs of any size. Does not check the chain: use verify."})
final class AuditQueryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The audit log.")
    Path file;

    @Option(names = "--since", paramLabel = "TIME|DURATION",
            description = "Only decisions at or after an RFC 3339 time (2025-03-01T12:00:00Z) or this long ago (15m, 2h, 1d).")
    String since;

    @Option(names = "--agent", paramLabel = "NAME", description = "Only this agent.")
    String agent;

    @Option(names = "--host", paramLabel = "GLOB",
            description = "Only destinations whose host matches, e.g. '*.openai.com' (* any run, ? one character).")
    String host;

    @Option(names = "--denied", description = "Only denied decisions.")
    boolean denied;

    @Option(names = "--json", description = "Print the matching records as stored, one JSON object per line.")
    boolean json;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Instant from = null;
        if (since != null) {
            try {
                from = TimeOrDuration.parse(since, clock);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--since: " + e.getMessage());
            }
        }
        if (!Files.isRegularFile(file)) {
            err.println("audit query: " + file + ": no such file");
            return 1;
        }
        AuditFilter filter = new AuditFilter(from, agent, host, denied);
        AuditTable table = json ? null : new AuditTable(out);
        long matched = 0;
        long skipped;
        String firstSkip;
        try (AuditLogReader reader = new AuditLogReader(file)) {
            AuditEntry entry;
            while ((entry = reader.next()) != null) {
                if (!filter.matches(entry)) {
                    continue;
                }
                matched++;
                if (json) {
                    out.println(entry.json());
                } else {
                    table.add(entry.record());
                }
            }
            skipped = reader.skipped();
            firstSkip = reader.firstSkipReason();
        }
        if (table != null && matched > 0) {
            table.finish();
        }
        out.flush();
        if (matched == 0) {
            err.println("audit: no matching decisions");
        }
        if (skipped > 0) {
            err.println("audit: warning: skipped " + skipped + " line(s) that are not audit records (first: "
                    + firstSkip + "); run `airlock audit verify " + file + "`");
        }
        return 0;
    }
}
