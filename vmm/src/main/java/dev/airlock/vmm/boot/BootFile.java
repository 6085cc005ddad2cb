package dev.airlock.vmm.boot;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/**
 * A kernel or initramfs as VMs boot it: immutable bytes outside the Java heap. {@link #read}
 * loads each file once per JVM and hands the same instance to every VM that boots it while one
 * is still in use, so an additional VM costs no second copy of its kernel and initramfs (about
 * 9 MiB for the Debian image). Booting copies the bytes into each VM's own guest RAM; nothing
 * here is shared with a guest.
 *
 * <p>The file is read rather than mapped: a mapped file that someone truncates (an image rebuilt
 * in place) would fault the JVM on the next access, while a copy stays valid.
 */
public final class BootFile {

    /** A file is the same file while its identity, size and modification time are. */
    private record Key(Path path, Object fileKey, long size, FileTime modified) {}

    /** Files in use, weakly: a file no VM configuration refers to any more is released by the GC. */
    private static final Map<Key, WeakReference<BootFile>> LOADED = new HashMap<>();

    private final String name;
    private final MemorySegment bytes;

    private BootFile(String name, MemorySegment bytes) {
        this.name = name;
        this.bytes = bytes.asReadOnly();
    }

    /** The file's contents, read now or shared with VMs that already use the same unchanged file. */
    public static BootFile read(Path path) throws IOException {
        Path real = path.toRealPath();
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
        Key key = new Key(real, a.fileKey(), a.size(), a.lastModifiedTime());
        synchronized (LOADED) {
            WeakReference<BootFile> ref = LOADED.get(key);
            BootFile f = ref == null ? null : ref.get();
            if (f == null) {
                LOADED.values().removeIf(r -> r.get() == null);
                f = new BootFile(real.toString(), load(real, a.size()));
                LOADED.put(key, new WeakReference<>(f));
            }
            return f;
        }
    }

    /** Bytes built in memory (tests, generated images): copied once, not shared by name. */
    public static BootFile of(String name, byte[] contents) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, contents.length)).asSlice(0, contents.length);
        MemorySegment.copy(MemorySegment.ofArray(contents), 0, s, 0, contents.length);
        return new BootFile(name, s);
    }

    private static MemorySegment load(Path path, long size) throws IOException {
        if (size > Integer.MAX_VALUE) {
            throw new IOException(path + ": " + size + " bytes is too large for a kernel or initramfs");
        }
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, size)).asSlice(0, size);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer b = s.asByteBuffer();
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    throw new IOException(path + " shrank while it was read (" + b.position() + " of " + size + " bytes)");
                }
            }
        }
        return s;
    }

    /** Where it came from, for messages. */
    public String name() {
        return name;
    }

    /** The contents, read-only. */
    public MemorySegment bytes() {
        return bytes;
    }

    public long size() {
        return bytes.byteSize();
    }

    @Override
    public String toString() {
        return name + " (" + size() + " bytes)";
    }
}
