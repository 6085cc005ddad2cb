package dev.airlock.secrets.fs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files only their owner may read: key material for the CA and the placeholder key. Files are
 * created with mode 0600 from the first byte (never chmod-ed after being written, which would
 * leave a window where another user could open them) and directories with 0700.
 *
 * <p>On a file system without POSIX permissions the modes are skipped; airlock's supported
 * platform is Linux, where they always apply.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {}

    /**
     * Creates {@code dir} (and missing parents) with mode 0700. An existing directory is
     * tightened to 0700 when we own it, because a key inside a world-readable directory is
     * one rename away from exposure.
     */
    public static void ensurePrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                if (isPosix(parent == null ? dir : parent)) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first; fall through to the mode check.
            }
        }
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        if (view != null && !view.readAttributes().permissions().equals(OWNER_ONLY_DIR)) {
            view.setPermissions(OWNER_ONLY_DIR);
        }
    }

    /**
     * Writes {@code content} to {@code target} atomically with mode 0600, replacing any
     * existing file: readers see the old content or the new, never a partial file.
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = writeTemp(target, content);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes {@code content} to {@code target} with mode 0600 only if {@code target} does not
     * exist yet, atomically: when two processes race, exactly one wins and the other gets
     * {@code false} and must read the winner's file.
     */
    public static boolean createAtomically(Path target, byte[] content) throws IOException {
        Path tmp = writeTemp(target, content);
        try {
            // link(2) fails with EEXIST instead of replacing, unlike rename(2).
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException lost) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The group/other permission bits set on {@code file}, e.g. {@code "r--r--"} suffix of
     * {@code rw-r--r--}, or empty when there are none (or the file system has no POSIX modes).
     */
    public static Optional<String> tooOpen(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return Optional.empty();
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> extra = EnumSet.copyOf(perms);
        extra.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        return extra.isEmpty() ? Optional.empty() : Optional.of(PosixFilePermissions.toString(perms));
    }

    private static Path writeTemp(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = isPosix(dir)
                ? Files.createTempFile(dir, "." + target.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.write(tmp, content, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
            return tmp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static boolean isPosix(Path anyPathOnTheFileSystem) {
        return anyPathOnTheFileSystem.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
