package dev.airlock.cli;

import dev.airlock.gateway.Gateway;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.vmm.KvmSpeed;
import dev.airlock.vmm.image.GuestImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command in a sandbox whose network goes through airlock's policy.",
            "--isolation microvm boots a KVM microVM (airlock image build first); auto picks it",
            "when /dev/kvm works at hardware speed, and netns isolation otherwise."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--isolation", paramLabel = "KIND", defaultValue = "auto",
            description = "auto, microvm or netns (default: ${DEFAULT-VALUE}).")
    String isolation;

    @Option(names = "--mem", paramLabel = "SIZE", defaultValue = "256M",
            description = "microVM memory, e.g. 256M or 1G (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "microVM vCPUs (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--image", paramLabel = "DIR",
            description = "Guest image directory (default: the one `airlock image build` made last).")
    Path image;

    @Option(names = "--boot-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long the microVM may take to start its exec agent (default: ${DEFAULT-VALUE}).")
    long bootTimeoutSeconds;

    @Option(names = "--verbose", description = "Copy the guest's serial console to stderr.")
    boolean verbose;

    @CommandLine.Mixin
    GatewayOptions gateway;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        String kind = isolation.toLowerCase(Locale.ROOT);
        switch (kind) {
            case "microvm" -> {
                KvmSpeed speed = KvmSpeed.probe();
                if (speed.unusable() != null) {
                    err.println("airlock run: " + speed.describe());
                    return MicroVmRunner.SANDBOX_FAILED;
                }
                if (!speed.fastEnough()) {
                    err.println("airlock run: warning: " + speed.slowReason() + "; booting anyway (--boot-timeout "
                            + bootTimeoutSeconds + " s)");
                }
                return microVm(err);
            }
            case "auto" -> {
                KvmSpeed speed = KvmSpeed.probe();
                if (speed.fastEnough()) {
                    return microVm(err);
                }
                err.println("airlock run: not using a microVM: " + speed.slowReason() + "; netns isolation is used instead.");
                return netns(err);
            }
            case "netns" -> {
                return netns(err);
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--isolation must be auto, microvm or netns, not '" + isolation + "'");
        }
    }

    private int netns(PrintWriter err) {
        err.println("airlock run: netns isolation is not available in this build yet (it is being built alongside); "
                + "use --isolation microvm on a host with hardware KVM");
        return NotLanded.NOT_AVAILABLE;
    }

    private int microVm(PrintWriter err) throws Exception {
        long bytes = parseSize(memory);
        GuestImage img;
        try {
            img = GuestImage.open(image != null ? image : GuestImage.defaultDirectory());
        } catch (java.io.IOException e) {
            err.println("airlock run: " + e.getMessage());
            return MicroVmRunner.SANDBOX_FAILED;
        }
        Gateway g;
        try {
            g = gateway.open(System.err);
        } catch (RegoException e) {
            err.println("airlock run: the policy does not compile:");
            err.println(e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("airlock run: " + e.getMessage());
            return 1;
        }
        try (g) {
            MicroVmRunner runner = new MicroVmRunner(g.context(), g.group().next(),
                    g.context().tls().ca().directory().certificateFile(),
                    new MicroVmRunner.Settings(img, bytes, cpus, Duration.ofSeconds(bootTimeoutSeconds), verbose));
            return runner.run(command, System.in, System.out, System.err, err).status();
        }
    }

    /** "256M", "1G", "268435456": a multiple of 2 MiB. */
    long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("G")) {
            unit = 1L << 30;
        } else if (t.endsWith("M")) {
            unit = 1L << 20;
        }
        try {
            long v = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
            if (v < (4L << 20) || v % (2L << 20) != 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--mem must be a multiple of 2 MiB of at least 4M, like 256M or 1G, not '" + text + "'");
        }
    }
}
