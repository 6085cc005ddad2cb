package dev.airlock.cli;

import dev.airlock.secrets.config.SecretsConfig;
import dev.airlock.secrets.config.SecretsFileException;
import dev.airlock.secrets.config.SecretsFileParser;
import dev.airlock.secrets.placeholder.PlaceholderKey;
import dev.airlock.secrets.store.SecretsSnapshot;
import dev.airlock.secrets.store.SecretsStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code airlock secrets}: the secrets file and the placeholders agents are given. */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Check a secrets file and print the placeholders agents use instead of real secrets.",
        subcommands = {SecretsCommand.Placeholders.class, SecretsCommand.Check.class})
final class SecretsCommand implements Runnable {
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    @Command(name = "placeholders", mixinStandardHelpOptions = true,
            description = {"Print NAME=placeholder for every secret in the file: the strings to give agents in place of the real values.",
                "Only the file's structure is checked; the real values need not be present on this machine."})
    static final class Placeholders implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        FileOptionsMixin options;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                SecretsConfig config = SecretsFileParser.parse(options.secrets);
                PlaceholderKey key = PlaceholderKey.loadOrCreate(options.stateDirOrDefault());
                PrintWriter out = spec.commandLine().getOut();
                for (String name : config.names()) {
                    out.println(name + "=" + key.placeholderFor(name));
                }
                out.flush();
                return 0;
            } catch (SecretsFileException e) {
                err.println(e.getMessage());
                return FAILED;
            } catch (IOException e) {
                err.println("airlock secrets placeholders: " + e.getMessage());
                return FAILED;
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load the secrets file as the gateway would, reading every value from its source, and report any problem.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        FileOptionsMixin options;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                SecretsSnapshot snapshot = SecretsStore.open(options.secrets, options.stateDirOrDefault()).current();
                spec.commandLine().getOut().printf("%s: %d secret(s) OK: %s%n", options.secrets, snapshot.names().size(),
                        String.join(", ", snapshot.names()));
                return 0;
            } catch (SecretsFileException e) {
                err.println(e.getMessage());
                return FAILED;
            } catch (IOException e) {
                err.println("airlock secrets check: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** Picocli mixins must be instantiable classes with the options as fields. */
    static final class FileOptionsMixin {
        @Option(names = "--secrets", required = true, paramLabel = "FILE", description = "The secrets file (YAML).")
        Path secrets;

        @Option(names = "--state-dir", paramLabel = "DIR",
                description = "airlock's state directory, holding the placeholder key (default: ~/.airlock/state).")
        Path stateDir;

        Path stateDirOrDefault() {
            return stateDir != null ? stateDir : PlaceholderKey.defaultStateDirectory();
        }
    }
}
