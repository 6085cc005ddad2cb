package dev.airlock.vmm.boot;

/** Why a kernel image cannot be booted, in words an operator can act on. */
public sealed interface BootError {

    String message();

    /** Not a bzImage: the boot flag or "HdrS" magic is missing, or the file is truncated. */
    record NotABzImage(String detail) implements BootError {
        @Override
        public String message() {
            return "not a Linux bzImage (" + detail + "); pass arch/x86/boot/bzImage, or a vmlinux ELF with a PVH entry";
        }
    }

    /** The kernel's boot protocol is older than the loader needs. */
    record ProtocolTooOld(int version, int needed) implements BootError {
        @Override
        public String message() {
            return "kernel boot protocol " + (version >> 8) + "." + (version & 0xff) + " is older than "
                    + (needed >> 8) + "." + (needed & 0xff) + "; use a kernel from 2013 or newer (Linux 3.8+)";
        }
    }

    /** The kernel lacks a capability the loader relies on (e.g. a 64-bit entry point). */
    record Unsupported(String what) implements BootError {
        @Override
        public String message() {
            return "kernel cannot be booted by airlock: " + what;
        }
    }

    /** Not a usable ELF file, or an ELF without a PVH entry note. */
    record BadElf(String detail) implements BootError {
        @Override
        public String message() {
            return "vmlinux ELF unusable: " + detail;
        }
    }

    /** Kernel, initrd or command line do not fit in guest RAM or their limits. */
    record DoesNotFit(String what) implements BootError {
        @Override
        public String message() {
            return what + " does not fit; give the VM more memory or use a smaller image";
        }
    }
}
