package dev.airlock.vmm.kvm;

/**
 * What went wrong talking to KVM, as values whose {@link #message()} an operator can act on.
 * Carried by {@link KvmException}.
 */
public sealed interface KvmError {

    /** A sentence for the operator. */
    String message();

    /** {@code /dev/kvm} could not be opened. */
    record Unavailable(String path, int errno, String reason) implements KvmError {
        @Override
        public String message() {
            return "cannot open " + path + ": " + reason + " (errno " + errno + "). airlock runs work in KVM microVMs"
                    + " and needs read-write access to " + path + ". Check: `ls -l " + path + "` (the device must exist),"
                    + " `lsmod | grep kvm` (kvm plus kvm_intel or kvm_amd must be loaded; virtualization enabled in"
                    + " firmware, or nested virtualization enabled on a cloud VM), and `id` (your user must be root or in"
                    + " the group that owns " + path + ", usually `kvm`: `sudo usermod -aG kvm $USER`, then log in again).";
        }
    }

    /** A system call or ioctl returned an error. */
    record CallFailed(String call, int errno, String reason) implements KvmError {
        @Override
        public String message() {
            return call + " failed: " + reason + " (errno " + errno + ")";
        }
    }

    /** The kernel speaks a KVM API version this monitor was not written for. */
    record ApiVersion(int found, int expected) implements KvmError {
        @Override
        public String message() {
            return "KVM API version is " + found + ", airlock needs " + expected;
        }
    }

    /** A KVM capability the monitor relies on is missing from this kernel. */
    record MissingCapability(String name) implements KvmError {
        @Override
        public String message() {
            return "this kernel's KVM lacks " + name + ", which airlock needs; a newer kernel is required";
        }
    }

    /** The kernel rejected part of a request it reported as partly applied (e.g. some MSRs). */
    record Partial(String call, int applied, int requested) implements KvmError {
        @Override
        public String message() {
            return call + " applied " + applied + " of " + requested + " entries; entry " + applied + " was refused";
        }
    }
}
