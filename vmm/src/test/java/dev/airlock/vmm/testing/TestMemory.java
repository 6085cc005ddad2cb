package dev.airlock.vmm.testing;

import dev.airlock.vmm.memory.GuestMemory;
import java.lang.foreign.Arena;

/** Guest RAM for device tests: a zeroed heap-independent segment, no KVM needed. */
public final class TestMemory {
    private TestMemory() {}

    public static GuestMemory of(long size) {
        return GuestMemory.wrap(Arena.ofAuto().allocate(size, 4096));
    }
}
