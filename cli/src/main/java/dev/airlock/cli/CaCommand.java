package dev.airlock.cli;

import dev.airlock.secrets.ca.CaDirectory;
import dev.airlock.secrets.ca.CaException;
import dev.airlock.secrets.ca.CertificateAuthority;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code airlock ca}: the local CA whose certificates the gateway presents to agents. */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Create, export and rotate airlock's local certificate authority.",
        subcommands = {CaCommand.Init.class, CaCommand.Show.class, CaCommand.Export.class, CaCommand.Rotate.class})
final class CaCommand implements Runnable {
    static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The --ca-dir option every subcommand takes. */
    static final class DirOption {
        @Option(names = "--ca-dir", paramLabel = "DIR", description = "The CA directory (default: ~/.airlock/ca).")
        Path dir;

        CaDirectory directory() {
            return new CaDirectory(dir != null ? dir : CaDirectory.defaultDirectory());
        }
    }

    /** Runs {@code action}, turning a CA error into its message on stderr and exit code 1. */
    abstract static class CaAction implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @CommandLine.Mixin
        DirOption dir;

        abstract void run(CaDirectory directory, PrintWriter out);

        @Override
        public Integer call() {
            try {
                PrintWriter out = spec.commandLine().getOut();
                run(dir.directory(), out);
                out.flush();
                return 0;
            } catch (CaException e) {
                spec.commandLine().getErr().println("airlock ca " + spec.name() + ": " + e.getMessage());
                return FAILED;
            }
        }

        static void describe(CaDirectory directory, CertificateAuthority ca, PrintWriter out) {
            out.println("certificate: " + directory.certificateFile());
            out.println("key:         " + directory.keyFile());
            out.println("subject:     " + ca.certificate().getSubjectX500Principal().getName());
            out.println("expires:     " + ca.notAfter());
            out.println("sha256:      " + ca.sha256Fingerprint());
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Create the CA if there is none, and describe it.")
    static final class Init extends CaAction {
        @Override
        void run(CaDirectory directory, PrintWriter out) {
            describe(directory, directory.loadOrCreate(), out);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Describe the existing CA (files, subject, expiry, fingerprint).")
    static final class Show extends CaAction {
        @Override
        void run(CaDirectory directory, PrintWriter out) {
            describe(directory, directory.load(), out);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the CA certificate (PEM) for clients to trust, e.g. `airlock ca export > airlock-ca.pem`.")
    static final class Export extends CaAction {
        @Override
        void run(CaDirectory directory, PrintWriter out) {
            out.print(directory.loadOrCreate().certificatePem());
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Replace the CA with a new one, keeping the old files as ca-<timestamp>.pem / ca-key-<timestamp>.pem.",
                "Clients must then trust the new ca.pem; a running gateway picks it up on reload."})
    static final class Rotate extends CaAction {
        @Override
        void run(CaDirectory directory, PrintWriter out) {
            describe(directory, directory.rotate(), out);
        }
    }
}
