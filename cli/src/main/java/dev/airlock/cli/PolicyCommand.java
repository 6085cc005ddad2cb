package dev.airlock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code airlock policy}: the group for working with Rego policies (test, eval, conformance). */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Test, evaluate and serve Rego egress policies.",
        subcommands = {PolicyTestCommand.class, PolicyEvalCommand.class, PolicyConformanceCommand.class, PolicyServeCommand.class})
final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing required subcommand: test, eval or conformance");
    }
}
