package dev.airlock.vmm;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.vmm.kvm.Kvm;
import org.junit.jupiter.api.Test;

/** The KVM speed probe runs its guest loop and reports a rate the user can read. */
class KvmSpeedTest {

    @Test
    void theProbeMeasuresAGuestLoop() {
        String reason = Kvm.unavailableReason();
        assumeTrue(reason == null, () -> "skipping: KVM is not usable here: " + reason);
        KvmSpeed s = KvmSpeed.probe();
        assertTrue(s.unusable() == null, s.describe());
        assertTrue(s.instructionsPerSecond() > 10_000, "a guest loop of " + KvmSpeed.ITERATIONS + " iterations ran: " + s.describe());
        assertTrue(s.describe().matches("KVM runs at [0-9.]+ [MG] instr/s \\(kvm.*\\)"), s.describe());
        System.out.println("KvmSpeedTest: " + s.describe() + (s.fastEnough() ? "" : "; " + s.slowReason()));
    }
}
