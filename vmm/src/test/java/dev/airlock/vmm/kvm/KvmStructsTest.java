package dev.airlock.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.vmm.testing.Toolchain;
import java.lang.foreign.MemoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks every struct size, field offset and ioctl number the bindings use against the
 * installed kernel headers, by compiling a C program that prints them.
 */
class KvmStructsTest {

    @Test
    void layoutsAndIoctlNumbersMatchTheKernelHeaders(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("gcc");
        if (!Files.exists(Path.of("/usr/include/linux/kvm.h"))) {
            org.junit.jupiter.api.Assumptions.abort("/usr/include/linux/kvm.h missing (apt-get install linux-libc-dev)");
        }
        Map<String, Long> expected = new LinkedHashMap<>();
        StringBuilder c = new StringBuilder("#include <linux/kvm.h>\n#include <stdio.h>\n#include <stddef.h>\nint main(void){\n");
        for (Ioctl ioctl : Ioctl.values()) {
            expected.put(ioctl.name(), ioctl.code());
            c.append("printf(\"%s %lu\\n\", \"").append(ioctl.name()).append("\", (unsigned long)").append(ioctl.name()).append(");\n");
        }
        Map<String, MemoryLayout> structs = Map.of(
                "kvm_userspace_memory_region", KvmStructs.USER_MEMORY_REGION,
                "kvm_irq_level", KvmStructs.IRQ_LEVEL,
                "kvm_irqfd", KvmStructs.IRQFD,
                "kvm_ioeventfd", KvmStructs.IOEVENTFD,
                "kvm_pit_config", KvmStructs.PIT_CONFIG,
                "kvm_regs", KvmStructs.REGS,
                "kvm_sregs", KvmStructs.SREGS,
                "kvm_fpu", KvmStructs.FPU,
                "kvm_cpuid_entry2", KvmStructs.CPUID_ENTRY2,
                "kvm_msr_entry", KvmStructs.MSR_ENTRY);
        structs.forEach((name, layout) -> {
            sizeOf(c, expected, name, layout.byteSize());
            for (MemoryLayout member : ((java.lang.foreign.GroupLayout) layout).memberLayouts()) {
                String field = member.name().orElse(null);
                if (field != null && !field.startsWith("pad")) {
                    offsetOf(c, expected, name, field, KvmStructs.offset(layout, field));
                }
            }
        });
        String[] runFields = {"immediate_exit", "exit_reason", "cr8", "apic_base"};
        for (String f : runFields) {
            offsetOf(c, expected, "kvm_run", f, KvmStructs.offset(KvmStructs.RUN, f));
        }
        long exit = KvmStructs.offset(KvmStructs.RUN, "exit");
        for (String f : new String[] {"direction", "size", "port", "count", "data_offset"}) {
            offsetOf(c, expected, "kvm_run", "io." + f, exit + KvmStructs.offset(KvmStructs.RUN_IO, f));
        }
        for (String f : new String[] {"phys_addr", "data", "len", "is_write"}) {
            offsetOf(c, expected, "kvm_run", "mmio." + f, exit + KvmStructs.offset(KvmStructs.RUN_MMIO, f));
        }
        offsetOf(c, expected, "kvm_run", "fail_entry.cpu", exit + KvmStructs.offset(KvmStructs.RUN_FAIL_ENTRY, "cpu"));
        offsetOf(c, expected, "kvm_run", "internal.data", exit + KvmStructs.offset(KvmStructs.RUN_INTERNAL, "data"));
        offsetOf(c, expected, "kvm_run", "system_event.type", exit + KvmStructs.offset(KvmStructs.RUN_SYSTEM_EVENT, "type"));
        offsetOf(c, expected, "kvm_run", "system_event.data", exit + KvmStructs.offset(KvmStructs.RUN_SYSTEM_EVENT, "data"));
        c.append("return 0;}\n");
        Files.writeString(dir.resolve("layout.c"), c);
        Toolchain.run(dir, "gcc", "-o", "layout", "layout.c");
        String out = Toolchain.run(dir, dir.resolve("layout").toString());
        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split(" ");
            actual.put(parts[0], Long.parseUnsignedLong(parts[1]));
        }
        assertEquals(expected.size(), actual.size(), "every expectation printed");
        expected.forEach((k, v) -> assertEquals(actual.get(k), v, k));
    }

    private static void sizeOf(StringBuilder c, Map<String, Long> expected, String struct, long size) {
        String key = "sizeof(" + struct + ")";
        expected.put(key, size);
        c.append("printf(\"%s %lu\\n\", \"").append(key).append("\", (unsigned long)sizeof(struct ").append(struct).append("));\n");
    }

    private static void offsetOf(StringBuilder c, Map<String, Long> expected, String struct, String field, long offset) {
        String key = struct + "." + field;
        expected.put(key, offset);
        c.append("printf(\"%s %lu\\n\", \"").append(key).append("\", (unsigned long)offsetof(struct ").append(struct)
                .append(", ").append(field).append("));\n");
    }
}
