package dev.airlock.cli;

import dev.airlock.vmm.image.GuestImage;
import dev.airlock.vmm.image.GuestImageBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Build the guest image (kernel and initramfs) for microVMs.",
        subcommands = {ImageCommand.Build.class})
final class ImageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand (build)");
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Build the microVM guest image from Debian packages: the kernel, its virtio modules,",
                "busybox-static and airlock's exec agent (compiled with gcc). Packages are downloaded with",
                "apt-get download (no root needed) and cached; images are cached by package versions."})
    static final class Build implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--kernel-package", paramLabel = "PKG", defaultValue = "linux-image-amd64",
                description = "Kernel image package or metapackage (default: ${DEFAULT-VALUE}).")
        String kernelPackage;

        @Option(names = "--busybox-package", paramLabel = "PKG", defaultValue = "busybox-static",
                description = "Package providing a static /bin/busybox (default: ${DEFAULT-VALUE}).")
        String busyboxPackage;

        @Option(names = "--output", paramLabel = "DIR",
                description = "Write the image here (default: ~/.cache/airlock/images/KEY, linked as images/current).")
        Path output;

        @Option(names = "--cache-dir", paramLabel = "DIR", description = "Download and image cache (default: ~/.cache/airlock).")
        Path cacheDir;

        @Override
        public Integer call() {
            var err = spec.commandLine().getErr();
            try {
                GuestImage image = new GuestImageBuilder(new GuestImageBuilder.Options(kernelPackage, busyboxPackage,
                        cacheDir != null ? cacheDir : GuestImageBuilder.defaultCacheDirectory(), output), line -> {
                            err.println(line);
                            err.flush();
                        }).build();
                spec.commandLine().getOut().println(image.directory());
                return 0;
            } catch (java.io.IOException e) {
                err.println("airlock image build: " + e.getMessage());
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }
}
