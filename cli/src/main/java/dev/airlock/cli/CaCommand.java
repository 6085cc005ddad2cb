package dev.airlock.cli;

import picocli.CommandLine.Command;

@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Create, export and rotate airlock's local certificate authority.")
final class CaCommand extends NotLanded {
    @Override
    String capability() {
        return "the local CA";
    }
}
