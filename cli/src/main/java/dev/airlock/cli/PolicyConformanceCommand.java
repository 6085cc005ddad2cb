package dev.airlock.cli;

import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.conformance.ConformanceReport;
import dev.airlock.policy.conformance.KnownGaps;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code airlock policy conformance}: runs OPA's conformance cases against the embedded engine. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run the OPA conformance suite (JSON cases) against the embedded Rego engine.",
            "Prints each failure, writes a per-topic table, and ends with 'conformance: N passed, M failed'."})
final class PolicyConformanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Suite directory, e.g. ../shared/conformance/opa-v1")
    Path dir;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "docs/conformance.md",
            description = "Where to write the per-topic table (default: ${DEFAULT-VALUE}; skipped when its directory does not exist).")
    Path report;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isDirectory(dir)) {
            err.println("airlock policy conformance: " + dir + " is not a directory");
            return 1;
        }
        ConformanceReport r = ConformanceReport.run(dir, BuiltinRegistry.standard());
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream ps = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8)) {
            r.printFailures(ps);
        }
        out.print(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
        Path parent = report.toAbsolutePath().getParent();
        if (parent != null && Files.isDirectory(parent)) {
            Files.writeString(report, r.markdown(KnownGaps.NOTES));
            out.println("wrote " + report);
        }
        out.println(r.summaryLine());
        return r.failed() == 0 ? 0 : 1;
    }
}
