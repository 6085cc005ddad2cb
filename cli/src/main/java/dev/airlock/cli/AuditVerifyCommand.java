package dev.airlock.cli;

import dev.airlock.gateway.audit.AuditHead;
import dev.airlock.gateway.audit.AuditVerifier;
import dev.airlock.gateway.audit.VerifyOptions;
import dev.airlock.gateway.audit.VerifyResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
            "Check an audit log's hash chain; exit 1 names the first bad record.",
            "Every line must parse, seq must go up by one, and each prev must be the SHA-256 of the line",
            "before. Records cut from the end are caught by LASTFILE.head (used when present) or by",
            "--expect-head/--expect-seq."})
final class AuditVerifyCommand implements Callable<Integer> {
    private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{64}");

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*",
            description = "The log; for a rotated log, every file oldest first (the last is the live one).")
    List<Path> files;

    @Option(names = "--head", paramLabel = "HEADFILE",
            description = "Head file to check the end against (default: LASTFILE.head when it exists).")
    Path head;

    @Option(names = "--no-head", description = "Ignore the head file.")
    boolean noHead;

    @Option(names = "--expect-head", paramLabel = "HASH",
            description = "The last record must have this SHA-256 (as printed by an earlier verify).")
    String expectHead;

    @Option(names = "--expect-seq", paramLabel = "N", description = "The last record must have this seq.")
    Long expectSeq;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (expectHead != null && !HASH.matcher(expectHead).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--expect-head: expected 64 hex digits (a SHA-256), got '" + expectHead + "'");
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                err.println("audit verify: " + f + ": no such file");
                return 1;
            }
        }
        Path headFile = headFile();
        VerifyResult result = AuditVerifier.verify(files, new VerifyOptions(headFile, expectHead,
                expectSeq == null ? -1 : expectSeq));
        for (String note : result.notes()) {
            err.println("audit: note: " + note);
        }
        if (!result.intact()) {
            err.println("audit: chain broken: " + result.problem().describe());
            err.println("audit: " + result.records() + " records verified before the break");
            return 1;
        }
        out.println("audit: " + result.records() + " records verified, chain intact, last hash " + result.lastHash()
                + " (seq " + result.lastSeq() + ")" + (headFile == null ? "" : ", matches head file " + headFile));
        return 0;
    }

    private Path headFile() {
        if (noHead) {
            return null;
        }
        if (head != null) {
            return head;
        }
        Path byName = AuditHead.pathFor(files.getLast());
        return Files.exists(byName) ? byName : null;
    }
}
