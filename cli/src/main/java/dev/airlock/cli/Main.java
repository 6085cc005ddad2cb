package dev.airlock.cli;

import picocli.CommandLine;

/** Process entry point: builds the command tree and exits with the command's exit code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(AirlockCommand.commandLine().execute(args));
    }
}
