package dev.airlock.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base for subcommands whose capability has not been built yet. They say so in one line on
 * stderr and exit 2 instead of pretending to work.
 */
abstract class NotLanded implements Callable<Integer> {
    static final int NOT_AVAILABLE = 2;

    @Spec
    CommandSpec spec;

    /** What is missing, in a few words, e.g. "the microVM runner". */
    abstract String capability();

    @Override
    public Integer call() {
        spec.commandLine().getErr().printf("airlock %s: not available yet: %s has not landed.%n",
                spec.qualifiedName().replaceFirst("^airlock ", ""), capability());
        return NOT_AVAILABLE;
    }
}
