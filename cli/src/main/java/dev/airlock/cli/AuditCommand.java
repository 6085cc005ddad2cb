package dev.airlock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code airlock audit}: the group for reading audit logs; the gateway writes them. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify and query the hash-chained audit log.",
        subcommands = {AuditVerifyCommand.class, AuditQueryCommand.class})
final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing required subcommand: verify or query");
    }
}
