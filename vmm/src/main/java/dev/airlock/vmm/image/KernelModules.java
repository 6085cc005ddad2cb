package dev.airlock.vmm.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The loadable modules of an extracted kernel package and what each depends on. Debian's
 * package ships no {@code modules.dep} (depmod writes it at install time), so dependencies are
 * read where depmod reads them: the {@code depends=} entry of each module's {@code .modinfo}
 * ELF section. Names use underscores ({@code virtio-rng.ko} is module {@code virtio_rng}).
 */
public final class KernelModules {

    private final Map<String, Path> files;
    private final Set<String> builtin;

    private KernelModules(Map<String, Path> files, Set<String> builtin) {
        this.files = files;
        this.builtin = builtin;
    }

    /** Indexes {@code lib/modules/VERSION} (its {@code kernel/} tree and {@code modules.builtin}). */
    public static KernelModules scan(Path moduleDir) throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(moduleDir)) {
            for (Path p : (Iterable<Path>) s.filter(p -> p.getFileName().toString().endsWith(".ko"))::iterator) {
                files.put(moduleName(p.getFileName().toString()), p);
            }
        }
        Set<String> builtin = new LinkedHashSet<>();
        Path b = moduleDir.resolve("modules.builtin");
        if (Files.exists(b)) {
            for (String line : Files.readAllLines(b)) {
                if (!line.isBlank()) {
                    builtin.add(moduleName(line.substring(line.lastIndexOf('/') + 1)));
                }
            }
        }
        return new KernelModules(files, builtin);
    }

    static String moduleName(String fileName) {
        String n = fileName.endsWith(".ko") ? fileName.substring(0, fileName.length() - 3) : fileName;
        return n.replace('-', '_');
    }

    public boolean isBuiltin(String module) {
        return builtin.contains(module);
    }

    public Path file(String module) {
        return files.get(module);
    }

    /**
     * The modules to load for {@code wanted}, dependencies first; built-in modules are left out.
     * A wanted module that is neither built in nor shipped is an error naming it.
     */
    public List<String> loadOrder(List<String> wanted) throws IOException {
        List<String> order = new ArrayList<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String m : wanted) {
            visit(m, order, visiting);
        }
        return order;
    }

    private void visit(String module, List<String> order, Set<String> visiting) throws IOException {
        if (order.contains(module) || isBuiltin(module)) {
            return;
        }
        Path f = files.get(module);
        if (f == null) {
            throw new IOException("kernel module " + module + " is neither built into this kernel nor shipped with it");
        }
        if (!visiting.add(module)) {
            throw new IOException("kernel modules depend on each other in a cycle through " + module);
        }
        for (String dep : dependencies(Files.readAllBytes(f))) {
            visit(dep, order, visiting);
        }
        visiting.remove(module);
        order.add(module);
    }

    /** The {@code depends=} list of a module's {@code .modinfo} section (ELF64 little-endian). */
    static List<String> dependencies(byte[] ko) throws IOException {
        byte[] modinfo = section(ko, ".modinfo");
        for (String entry : new String(modinfo, StandardCharsets.ISO_8859_1).split("\0")) {
            if (entry.startsWith("depends=")) {
                List<String> deps = new ArrayList<>();
                for (String d : entry.substring("depends=".length()).split(",")) {
                    if (!d.isBlank()) {
                        deps.add(d.replace('-', '_'));
                    }
                }
                return deps;
            }
        }
        return List.of();
    }

    static byte[] section(byte[] elf, String wanted) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
            throw new IOException("not a 64-bit little-endian ELF module");
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
        if (shentsize < 64 || shstrndx >= shnum || shoff < 0 || shoff + (long) shnum * shentsize > elf.length) {
            throw new IOException("ELF section headers out of bounds");
        }
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            long nameAt = strOff + Integer.toUnsignedLong(b.getInt(h));
            long off = b.getLong(h + 0x18);
            long size = b.getLong(h + 0x20);
            if (nameAt < 0 || nameAt >= elf.length) {
                continue;
            }
            int end = (int) nameAt;
            while (end < elf.length && elf[end] != 0) {
                end++;
            }
            if (new String(elf, (int) nameAt, end - (int) nameAt, StandardCharsets.ISO_8859_1).equals(wanted)) {
                if (off < 0 || size < 0 || off + size > elf.length) {
                    throw new IOException("ELF section " + wanted + " out of bounds");
                }
                return java.util.Arrays.copyOfRange(elf, (int) off, (int) (off + size));
            }
        }
        throw new IOException("no " + wanted + " section");
    }
}
