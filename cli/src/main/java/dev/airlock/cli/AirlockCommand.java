package dev.airlock.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code airlock} command. Subcommands are listed here, in one place, so that
 * {@code --help}, shell completion and the tests all see the same tree.
 */
@Command(
        name = "airlock",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Policy-enforcing egress and secrets gateway with its own microVM monitor.",
        subcommands = {
            RunCommand.class,
            ServeCommand.class,
            PolicyCommand.class,
            AuditCommand.class,
            CaCommand.class,
            SecretsCommand.class,
            ImageCommand.class,
            DemoCommand.class,
            VersionCommand.class,
        })
public final class AirlockCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** Without a subcommand there is nothing to do: show the usage and fail like any usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The configured command line, shared by {@link Main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new AirlockCommand());
        // Picocli names this subcommand "generate-completion"; users type "airlock completion".
        CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
        completion.getCommandSpec().usageMessage()
                .description("Print a bash/zsh completion script for airlock (source it, e.g. `source <(airlock completion)`).");
        cl.addSubcommand("completion", completion);
        return cl;
    }
}
