package dev.airlock.vmm.image;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A built guest image: the kernel ({@code vmlinuz}, a bzImage), the initramfs
 * ({@code initramfs.cpio.gz}) and {@code image.properties}, which records the package versions
 * and modules it was built from.
 */
public record GuestImage(Path directory, Path kernel, Path initramfs, Properties manifest) {

    public static final String KERNEL = "vmlinuz";
    public static final String INITRAMFS = "initramfs.cpio.gz";
    public static final String MANIFEST = "image.properties";

    /** Opens an image directory; the error says how to build one. */
    public static GuestImage open(Path directory) throws IOException {
        Path kernel = directory.resolve(KERNEL);
        Path initramfs = directory.resolve(INITRAMFS);
        Path manifest = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(kernel) || !Files.isRegularFile(initramfs) || !Files.isRegularFile(manifest)) {
            throw new IOException("no guest image in " + directory + " (expected " + KERNEL + ", " + INITRAMFS + " and "
                    + MANIFEST + "); build one with `airlock image build`");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(manifest)) {
            p.load(r);
        }
        return new GuestImage(directory, kernel, initramfs, p);
    }

    /** Where {@code airlock image build} puts the newest image by default: {@code ~/.cache/airlock/images/current}. */
    public static Path defaultDirectory() {
        return GuestImageBuilder.defaultCacheDirectory().resolve("images").resolve("current");
    }

    /** One line for the user: which kernel and busybox the image holds. */
    public String describe() {
        return manifest.getProperty("kernel.package", "?") + " " + manifest.getProperty("kernel.version", "?")
                + ", busybox " + manifest.getProperty("busybox.version", "?");
    }
}
