package dev.airlock.cli;

import picocli.CommandLine.Command;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify and query the hash-chained audit log.")
final class AuditCommand extends NotLanded {
    @Override
    String capability() {
        return "the audit log";
    }
}
