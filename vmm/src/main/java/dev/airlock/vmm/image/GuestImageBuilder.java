package dev.airlock.vmm.image;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the guest image from Debian packages: {@code apt-get download} into a cache (no root
 * needed), {@code dpkg-deb -x}, the kernel's bzImage and the virtio modules it does not build
 * in, busybox-static, and the exec agent compiled with the host's gcc. Images are cached under
 * {@code ~/.cache/airlock/images/KEY}, where KEY hashes the package versions, the agent source,
 * the init script and this builder's format; {@code images/current} points at the newest.
 */
public final class GuestImageBuilder {

    /** Bump when the image layout changes, so cached images are rebuilt. */
    static final int FORMAT = 1;

    /** What the guest needs from the kernel: the transport and the four devices airlock gives it. */
    public static final List<String> MODULES = List.of("virtio_mmio", "virtio_net", "virtio_console", "virtio_rng", "virtio_blk");

    /**
     * @param kernelPackage  a kernel image package or a metapackage depending on one (linux-image-amd64)
     * @param busyboxPackage a package with a static {@code /bin/busybox}
     * @param cacheDirectory downloads and images ({@code ~/.cache/airlock} by default)
     * @param output         where to write the image, or null for the cache
     */
    public record Options(String kernelPackage, String busyboxPackage, Path cacheDirectory, Path output) {
        public static Options defaults() {
            return new Options("linux-image-amd64", "busybox-static", defaultCacheDirectory(), null);
        }
    }

    private final Options options;
    private final java.util.function.Consumer<String> progress;

    /** @param progress receives one line per step (downloads, extraction, compilation, writing) */
    public GuestImageBuilder(Options options, java.util.function.Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    /** {@code $XDG_CACHE_HOME/airlock}, or {@code ~/.cache/airlock}. */
    public static Path defaultCacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("airlock");
    }

    public GuestImage build() throws IOException, InterruptedException {
        HostCommand.require("apt-get", "the image builder uses Debian packages: run it on Debian or Ubuntu");
        HostCommand.require("dpkg-deb", "apt-get install dpkg");
        HostCommand.require("gcc", "apt-get install gcc libc6-dev: the exec agent is compiled at build time");
        Path debs = options.cacheDirectory().resolve("debs");
        Files.createDirectories(debs);

        Package kernel = kernelPackage(debs, options.kernelPackage(), 3);
        Package busybox = fetch(debs, options.busyboxPackage());
        byte[] agentSource = Initramfs.agentSource();
        String key = key(kernel, busybox, agentSource);
        Path images = options.cacheDirectory().resolve("images");
        Path target = options.output() != null ? options.output() : images.resolve(key);
        if (Files.exists(target.resolve(GuestImage.MANIFEST))) {
            GuestImage existing = GuestImage.open(target);
            if (key.equals(existing.manifest().getProperty("key"))) {
                say("image " + key + " is up to date in " + target);
                if (options.output() == null) {
                    pointCurrent(images, target);
                }
                return existing;
            }
        }

        Path work = Files.createTempDirectory(options.cacheDirectory(), "build-");
        try {
            say("extracting " + kernel.name() + " " + kernel.version());
            Path kroot = work.resolve("kernel");
            extract(kernel.file(), kroot);
            Path vmlinuz = single(kroot.resolve("boot"), "vmlinuz-*", kernel.name());
            // Debian 12 ships /lib/modules; merged-/usr releases ship /usr/lib/modules.
            Path libModules = Files.isDirectory(kroot.resolve("lib/modules")) ? kroot.resolve("lib/modules")
                    : kroot.resolve("usr/lib/modules");
            Path moduleDir = single(libModules, "*", kernel.name());
            KernelModules modules = KernelModules.scan(moduleDir);
            List<String> order = modules.loadOrder(MODULES);
            Map<String, Path> moduleFiles = new LinkedHashMap<>();
            for (String m : order) {
                moduleFiles.put(m, modules.file(m));
            }
            say("modules to load: " + (order.isEmpty() ? "none (all built in)" : String.join(" ", order)));

            say("extracting " + busybox.name() + " " + busybox.version());
            Path broot = work.resolve("busybox");
            extract(busybox.file(), broot);
            Path bb = broot.resolve("bin/busybox");
            if (!Files.isRegularFile(bb)) {
                throw new IOException(busybox.name() + " has no /bin/busybox");
            }
            List<String> applets = HostCommand.run(work, 30, List.of(bb.toString(), "--list")).lines().toList();

            say("compiling the exec agent (gcc -static)");
            Path agent = compileAgent(work, agentSource);

            say("writing the initramfs (" + applets.size() + " busybox applets, " + order.size() + " modules)");
            byte[] initramfs = new Initramfs(bb, applets, agent, moduleFiles).write();

            Path staging = Files.createTempDirectory(work, "image-");
            Files.copy(vmlinuz, staging.resolve(GuestImage.KERNEL));
            Files.write(staging.resolve(GuestImage.INITRAMFS), initramfs);
            Properties p = new Properties();
            p.setProperty("key", key);
            p.setProperty("format", Integer.toString(FORMAT));
            p.setProperty("kernel.package", kernel.name());
            p.setProperty("kernel.version", kernel.version());
            p.setProperty("kernel.release", moduleDir.getFileName().toString());
            p.setProperty("busybox.package", busybox.name());
            p.setProperty("busybox.version", busybox.version());
            p.setProperty("modules", String.join(",", order));
            p.setProperty("agent.sha256", sha256(agentSource));
            p.setProperty("initramfs.bytes", Long.toString(initramfs.length));
            try (Writer w = Files.newBufferedWriter(staging.resolve(GuestImage.MANIFEST), StandardCharsets.UTF_8)) {
                p.store(w, "airlock guest image");
            }
            install(staging, target);
            if (options.output() == null) {
                pointCurrent(images, target);
            }
            say(String.format("image %s ready in %s (kernel %.1f MiB, initramfs %.1f MiB)", key, target,
                    Files.size(target.resolve(GuestImage.KERNEL)) / 1048576.0, initramfs.length / 1048576.0));
            return GuestImage.open(target);
        } finally {
            deleteTree(work);
        }
    }

    /** A downloaded package file and its version. */
    record Package(String name, String version, Path file) {}

    /**
     * Downloads {@code name}; a metapackage (one that depends on another {@code linux-image-*}
     * package, as linux-image-amd64 does) is followed to the image it selects.
     */
    private Package kernelPackage(Path debs, String name, int depth) throws IOException, InterruptedException {
        Package p = fetch(debs, name);
        String depends = HostCommand.run(debs, 60, List.of("dpkg-deb", "-f", p.file().toString(), "Depends")).strip();
        for (String clause : depends.split(",")) {
            String dep = clause.strip().split("[\\s|(]")[0];
            if (dep.startsWith("linux-image-") && !dep.equals(name)) {
                if (depth == 0) {
                    throw new IOException(name + ": too many levels of kernel metapackages");
                }
                say(name + " selects " + dep);
                return kernelPackage(debs, dep, depth - 1);
            }
        }
        return p;
    }

    private Package fetch(Path debs, String name) throws IOException, InterruptedException {
        if (!name.matches("[a-z0-9][a-z0-9+.-]+")) {
            throw new IOException("'" + name + "' is not a Debian package name");
        }
        String version = candidate(debs, name);
        Path cached = debFile(debs, name, version);
        if (cached == null) {
            say("downloading " + name + " " + version);
            HostCommand.run(debs, 1800, List.of("apt-get", "download", "-q", name + "=" + version));
            cached = debFile(debs, name, version);
            if (cached == null) {
                throw new IOException("apt-get download " + name + "=" + version + " left no package file in " + debs);
            }
        } else {
            say("using cached " + cached.getFileName());
        }
        return new Package(name, version, cached);
    }

    /** The version apt would install, from {@code apt-cache policy}. */
    private static String candidate(Path dir, String name) throws IOException, InterruptedException {
        for (String line : HostCommand.run(dir, 60, List.of("apt-cache", "policy", name)).lines().toList()) {
            String t = line.strip();
            if (t.startsWith("Candidate:")) {
                String v = t.substring("Candidate:".length()).strip();
                if (!v.equals("(none)")) {
                    return v;
                }
            }
        }
        throw new IOException("apt knows no installable version of " + name + " (run apt-get update, or check the name)");
    }

    /** apt-get download names files NAME_VERSION_ARCH.deb with ':' in the version written as %3a. */
    private static Path debFile(Path debs, String name, String version) throws IOException {
        String prefix = name + "_" + version.replace(":", "%3a") + "_";
        try (DirectoryStream<Path> s = Files.newDirectoryStream(debs, prefix + "*.deb")) {
            for (Path p : s) {
                return p;
            }
        }
        return null;
    }

    private static void extract(Path deb, Path into) throws IOException, InterruptedException {
        Files.createDirectories(into);
        HostCommand.run(into, 600, List.of("dpkg-deb", "-x", deb.toString(), into.toString()));
    }

    private static Path single(Path dir, String glob, String from) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
                s.forEach(found::add);
            }
        }
        if (found.size() != 1) {
            throw new IOException(from + ": expected one " + dir.getFileName() + "/" + glob + ", found " + found.size()
                    + " (is it a kernel image package?)");
        }
        return found.get(0);
    }

    private static Path compileAgent(Path work, byte[] source) throws IOException, InterruptedException {
        Path c = work.resolve("airlock-agent.c");
        Files.write(c, source);
        Path out = work.resolve("airlock-agent");
        try {
            HostCommand.run(work, 300, List.of("gcc", "-static", "-O2", "-s", "-o", out.toString(), c.toString()));
        } catch (IOException e) {
            throw new IOException("compiling the exec agent failed; a static build needs libc6-dev (libc.a): " + e.getMessage(), e);
        }
        return out;
    }

    private static String key(Package kernel, Package busybox, byte[] agentSource) throws IOException {
        String inputs = "format=" + FORMAT + "\nkernel=" + kernel.name() + " " + kernel.version() + "\nbusybox="
                + busybox.name() + " " + busybox.version() + "\nagent=" + sha256(agentSource) + "\ninit="
                + sha256(Initramfs.initScript()) + "\nmodules=" + MODULES + "\n";
        return sha256(inputs.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves the staged files into {@code target}, replacing an older image there. */
    private static void install(Path staging, Path target) throws IOException {
        Files.createDirectories(target);
        for (String f : List.of(GuestImage.KERNEL, GuestImage.INITRAMFS, GuestImage.MANIFEST)) {
            // The manifest goes last: an image without one is incomplete and never used.
            Files.move(staging.resolve(f), target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void pointCurrent(Path images, Path target) throws IOException {
        Files.createDirectories(images);
        Path current = images.resolve("current");
        Path tmp = images.resolve("current.tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, target.toAbsolutePath());
        Files.move(tmp, current, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void say(String message) {
        progress.accept("airlock image: " + message);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
