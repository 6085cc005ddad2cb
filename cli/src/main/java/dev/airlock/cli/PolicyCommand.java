package dev.airlock.cli;

import picocli.CommandLine.Command;

@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Test, evaluate and serve Rego egress policies.")
final class PolicyCommand extends NotLanded {
    @Override
    String capability() {
        return "the embedded Rego engine";
    }
}
