package dev.airlock.cli;

import picocli.CommandLine.Command;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the enforcing HTTP(S) proxy for agents that set HTTPS_PROXY.")
final class ServeCommand extends NotLanded {
    @Override
    String capability() {
        return "the enforcing proxy";
    }
}
