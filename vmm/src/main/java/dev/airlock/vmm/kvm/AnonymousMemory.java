package dev.airlock.vmm.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Private anonymous memory from mmap(2), page-aligned and zero-filled, committed lazily by the
 * kernel as it is touched. Guest RAM lives in such a mapping.
 */
public final class AnonymousMemory implements AutoCloseable {

    private static final long PAGE_SIZE = 4096;

    private final MemorySegment mapping;
    private boolean closed;

    private AnonymousMemory(MemorySegment mapping) {
        this.mapping = mapping;
    }

    /** Maps {@code size} bytes (a multiple of 4096) without reserving swap for them. */
    public static AnonymousMemory map(long size) {
        if (size <= 0 || (size & 0xfff) != 0) {
            throw new IllegalArgumentException("mapping size must be a positive multiple of 4096, got " + size);
        }
        return new AnonymousMemory(Libc.mmap(size, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_NORESERVE, -1, 0));
    }

    public MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException("mapping already unmapped");
        }
        return mapping;
    }

    /**
     * Bytes of {@code mapping} (page-aligned native memory) that are resident in host RAM now:
     * for guest RAM, the pages the guest or the monitor has touched.
     */
    public static long residentBytes(MemorySegment mapping) {
        long pages = (mapping.byteSize() + PAGE_SIZE - 1) / PAGE_SIZE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vector = arena.allocate(pages);
            Libc.mincore(mapping, vector);
            long resident = 0;
            for (long i = 0; i < pages; i++) {
                resident += vector.get(ValueLayout.JAVA_BYTE, i) & 1;
            }
            return resident * PAGE_SIZE;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.munmap(mapping);
        }
    }
}
