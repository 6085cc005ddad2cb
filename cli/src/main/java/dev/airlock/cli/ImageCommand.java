package dev.airlock.cli;

import picocli.CommandLine.Command;

@Command(name = "image", mixinStandardHelpOptions = true,
        description = "Build the guest image (kernel and initramfs) for microVMs.")
final class ImageCommand extends NotLanded {
    @Override
    String capability() {
        return "the guest image builder";
    }
}
