package dev.airlock.cli;

import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a command in a sandbox whose network goes through airlock's policy.")
final class RunCommand extends NotLanded {
    @Override
    String capability() {
        return "the sandbox runner (netstack and microVM)";
    }
}
