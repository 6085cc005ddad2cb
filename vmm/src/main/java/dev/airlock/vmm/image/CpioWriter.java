package dev.airlock.vmm.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a cpio archive in the "newc" format (magic 070701) that the Linux kernel unpacks as an
 * initramfs (Documentation/driver-api/early-userspace/buffer-format.rst). Output is
 * reproducible: entries appear in the order written, with the given mtime and owner 0:0, and
 * inode numbers counting from 1.
 *
 * <p>Each entry is a 110-byte ASCII header (the magic and thirteen 8-digit hex fields), the
 * NUL-terminated name padded to a multiple of four bytes, then the data padded likewise; the
 * archive ends with an entry named {@code TRAILER!!!}.
 */
public final class CpioWriter implements AutoCloseable {

    static final String MAGIC = "070701";
    static final String TRAILER = "TRAILER!!!";
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    private final OutputStream out;
    private final long mtime;
    private final Set<String> names = new HashSet<>();
    private long written;
    private int nextInode = 1;
    private boolean finished;

    public CpioWriter(OutputStream out, long mtime) {
        this.out = out;
        this.mtime = mtime;
    }

    /** A directory, e.g. {@code directory("etc", 0755)}. */
    public void directory(String path, int permissions) throws IOException {
        entry(path, S_IFDIR | (permissions & 07777), 2, new byte[0]);
    }

    /** A regular file. */
    public void file(String path, int permissions, byte[] contents) throws IOException {
        entry(path, S_IFREG | (permissions & 07777), 1, contents);
    }

    /** A symbolic link whose data is its target. */
    public void symlink(String path, String target) throws IOException {
        entry(path, S_IFLNK | 0777, 1, target.getBytes(StandardCharsets.UTF_8));
    }

    private void entry(String path, int mode, int nlink, byte[] data) throws IOException {
        if (finished) {
            throw new IllegalStateException("archive already finished");
        }
        checkName(path);
        if (!names.add(path)) {
            throw new IllegalArgumentException("duplicate archive entry: " + path);
        }
        write(nextInode++, mode, nlink, path, data);
    }

    private static void checkName(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0 || path.equals(TRAILER)) {
            throw new IllegalArgumentException("bad archive path: '" + path + "' (relative, no NUL)");
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("bad archive path: '" + path + "' (no empty, . or .. parts)");
            }
        }
    }

    private void write(int inode, int mode, int nlink, String name, byte[] data) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append(MAGIC);
        long[] fields = {inode, mode, 0, 0, nlink, mtime, data.length, 0, 0, 0, 0, nameBytes.length, 0};
        for (long f : fields) {
            h.append(String.format("%08x", f));
        }
        emit(h.toString().getBytes(StandardCharsets.US_ASCII));
        emit(nameBytes);
        pad();
        emit(data);
        pad();
    }

    private void emit(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    /** Writes the trailer; the archive is complete afterwards. */
    public void finish() throws IOException {
        if (!finished) {
            write(0, 0, 1, TRAILER, new byte[0]);
            finished = true;
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }
}
