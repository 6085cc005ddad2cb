package dev.airlock.vmm.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the machine's GNU toolchain (as, ld, objcopy, gcc) for tests that build tiny guest
 * programs or check struct layouts against the kernel headers. Tests skip, naming the missing
 * tool, where it is not installed.
 */
public final class Toolchain {

    private Toolchain() {}

    /** Skips the calling test unless every tool is on the PATH. */
    public static void assumeTools(String... tools) {
        for (String tool : tools) {
            assumeTrue(onPath(tool), tool + " is not installed (apt-get install binutils gcc); skipping");
        }
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command in {@code dir}; fails the test with its output if it exits non-zero. */
    public static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " timed out");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    /**
     * Assembles GNU as source into a flat binary: {@code as}, then {@code ld -Ttext=origin}
     * (so absolute addresses resolve), then {@code objcopy -O binary}.
     */
    public static byte[] assembleFlat(Path dir, String source, long origin) throws IOException, InterruptedException {
        Path s = dir.resolve("guest.S");
        Files.writeString(s, source);
        run(dir, "as", "--64", "-o", "guest.o", "guest.S");
        List<String> ld = new ArrayList<>(List.of("ld", "-m", "elf_x86_64", "-nostdlib", "-N", "-e", "0",
                "-Ttext=0x" + Long.toHexString(origin), "-o", "guest.elf", "guest.o"));
        run(dir, ld.toArray(String[]::new));
        run(dir, "objcopy", "-O", "binary", "-j", ".text", "guest.elf", "guest.bin");
        return Files.readAllBytes(dir.resolve("guest.bin"));
    }

    /**
     * The start of a tiny 32-bit guest entered through the PVH ELF note (as {@code PvhLoader}
     * boots a vmlinux): the note naming {@code start}, then the {@code start:} label, after
     * which the guest's own code follows.
     */
    public static final String PVH_HEADER = """
            .section .note.Xen, "a", @note
                .long 4, 4, 18
                .asciz "Xen"
                .long start
            .text
            .code32
            .globl start
            start:
            """;

    /** Assembles and links with a linker script; returns the ELF file. */
    public static byte[] assembleElf(Path dir, String source, String linkerScript) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("kernel.S"), source);
        Files.writeString(dir.resolve("kernel.ld"), linkerScript);
        run(dir, "as", "--64", "-o", "kernel.o", "kernel.S");
        run(dir, "ld", "-m", "elf_x86_64", "-nostdlib", "-T", "kernel.ld", "-o", "kernel.elf", "kernel.o");
        return Files.readAllBytes(dir.resolve("kernel.elf"));
    }

    /** The address of {@code symbol} in an ELF built by {@link #assembleElf}, from nm. */
    public static long symbol(Path dir, String symbol) throws IOException, InterruptedException {
        for (String line : run(dir, "nm", "kernel.elf").split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[2].equals(symbol)) {
                return Long.parseUnsignedLong(parts[0], 16);
            }
        }
        throw new AssertionError("no symbol " + symbol);
    }
}
