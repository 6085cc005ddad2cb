package dev.airlock.vmm.acpi;

import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The ACPI tables a hardware-reduced microVM needs (ACPI 6.5): RSDP → XSDT → FADT (→ DSDT) and
 * MADT. The DSDT describes COM1 and every virtio-mmio device ({@code LNRO0005}, the id Linux's
 * virtio_mmio driver matches) with its register window and interrupt; the MADT lists one local
 * APIC per vCPU and the IOAPIC. Tables are laid out from {@link AddressMap#ACPI_ADDRESS}.
 */
public final class AcpiTables {

    /** One virtio-mmio device as the DSDT describes it. */
    public record MmioDevice(long base, long size, int irq) {}

    static final String OEM_ID = "AIRLCK";
    static final String OEM_TABLE_ID = "AIRLOCKV";
    static final String CREATOR_ID = "ALCK";
    static final int HEADER_SIZE = 36;
    static final int FADT_SIZE = 276;
    static final int FADT_REVISION = 6;
    static final int FADT_MINOR_REVISION = 5;
    static final int FADT_FLAG_HW_REDUCED_ACPI = 1 << 20;
    static final int IAPC_VGA_NOT_PRESENT = 1 << 2;
    static final int IAPC_MSI_NOT_SUPPORTED = 1 << 3;
    static final int IAPC_CMOS_RTC_NOT_PRESENT = 1 << 5;
    static final int MADT_PCAT_COMPAT = 1;

    /** Where each table went, for the loader and for tests. */
    public record Layout(long rsdp, long xsdt, long fadt, long madt, long dsdt, long end) {}

    private AcpiTables() {}

    /** Writes all tables at {@code AddressMap.ACPI_ADDRESS}; returns their addresses. */
    public static Layout write(GuestMemory memory, int cpus, List<MmioDevice> devices) {
        long rsdp = AddressMap.ACPI_ADDRESS;
        long xsdt = align(rsdp + 36);
        long fadt = align(xsdt + HEADER_SIZE + 16);
        long madt = align(fadt + FADT_SIZE);
        byte[] madtBytes = madt(cpus);
        long dsdt = align(madt + madtBytes.length);
        byte[] dsdtBytes = dsdt(devices);
        long end = dsdt + dsdtBytes.length;
        if (end > AddressMap.ACPI_ADDRESS + AddressMap.ACPI_MAX_SIZE) {
            throw new IllegalArgumentException("ACPI tables of " + (end - rsdp) + " bytes exceed their area");
        }
        memory.write(dsdt, dsdtBytes);
        memory.write(madt, madtBytes);
        memory.write(fadt, fadt(dsdt));
        memory.write(xsdt, xsdt(List.of(fadt, madt)));
        memory.write(rsdp, rsdp(xsdt));
        return new Layout(rsdp, xsdt, fadt, madt, dsdt, end);
    }

    private static long align(long v) {
        return (v + 15) & ~15L;
    }

    /** RSDP revision 2: checksum over the first 20 bytes, extended checksum over all 36. */
    static byte[] rsdp(long xsdt) {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "RSD PTR ".getBytes(StandardCharsets.US_ASCII));
        b.put(9, OEM_ID.getBytes(StandardCharsets.US_ASCII));
        b.put(15, (byte) 2);
        b.putInt(20, 36);
        b.putLong(24, xsdt);
        byte[] a = b.array();
        a[8] = checksum(a, 0, 20);
        a[32] = checksum(a, 0, 36);
        return a;
    }

    static byte[] xsdt(List<Long> tables) {
        ByteBuffer b = table("XSDT", HEADER_SIZE + 8 * tables.size(), 1);
        for (int i = 0; i < tables.size(); i++) {
            b.putLong(HEADER_SIZE + 8 * i, tables.get(i));
        }
        return seal(b);
    }

    /** FADT revision 6.5, hardware-reduced: only the DSDT pointers, flags and boot-architecture bits. */
    static byte[] fadt(long dsdt) {
        ByteBuffer b = table("FACP", FADT_SIZE, FADT_REVISION);
        b.putInt(40, (int) dsdt);
        b.putShort(109, (short) (IAPC_VGA_NOT_PRESENT | IAPC_MSI_NOT_SUPPORTED | IAPC_CMOS_RTC_NOT_PRESENT));
        b.putInt(112, FADT_FLAG_HW_REDUCED_ACPI);
        b.put(131, (byte) FADT_MINOR_REVISION);
        b.putLong(140, dsdt);
        b.put(268, "AIRLOCK\0".getBytes(StandardCharsets.US_ASCII)); // hypervisor vendor identity
        return seal(b);
    }

    /** MADT revision 5: local APIC address, PC-AT compatible 8259s present, LAPICs and one IOAPIC. */
    static byte[] madt(int cpus) {
        int length = 44 + 8 * cpus + 12;
        ByteBuffer b = table("APIC", length, 5);
        b.putInt(36, (int) AddressMap.LAPIC_ADDRESS);
        b.putInt(40, MADT_PCAT_COMPAT);
        int at = 44;
        for (int cpu = 0; cpu < cpus; cpu++) {
            b.put(at, (byte) 0).put(at + 1, (byte) 8).put(at + 2, (byte) cpu).put(at + 3, (byte) cpu);
            b.putInt(at + 4, 1); // enabled
            at += 8;
        }
        b.put(at, (byte) 1).put(at + 1, (byte) 12).put(at + 2, (byte) 0).put(at + 3, (byte) 0);
        b.putInt(at + 4, (int) AddressMap.IOAPIC_ADDRESS);
        b.putInt(at + 8, 0); // global system interrupt base
        return seal(b);
    }

    /** DSDT revision 2 (64-bit integers) with COM1 and the virtio-mmio devices under \_SB. */
    static byte[] dsdt(List<MmioDevice> devices) {
        List<byte[]> terms = new ArrayList<>();
        terms.add(Aml.device("COM1",
                Aml.name("_HID", Aml.eisaId("PNP0501")),
                Aml.name("_UID", Aml.integer(0)),
                Aml.name("_CRS", Aml.resourceTemplate(
                        Aml.io(AddressMap.COM1_PORT, AddressMap.COM1_PORT, 1, 8),
                        Aml.irqNoFlags(AddressMap.COM1_IRQ)))));
        for (int i = 0; i < devices.size(); i++) {
            MmioDevice d = devices.get(i);
            terms.add(Aml.device(String.format("V%03X", i),
                    Aml.name("_HID", Aml.string("LNRO0005")),
                    Aml.name("_UID", Aml.integer(i)),
                    Aml.name("_CCA", Aml.integer(1)),
                    Aml.name("_CRS", Aml.resourceTemplate(
                            Aml.memory32Fixed(true, d.base(), d.size()),
                            Aml.interrupt(true, false, false, d.irq())))));
        }
        byte[] aml = Aml.scope("\\_SB", terms.toArray(byte[][]::new));
        ByteBuffer b = table("DSDT", HEADER_SIZE + aml.length, 2);
        b.put(HEADER_SIZE, aml);
        return seal(b);
    }

    private static ByteBuffer table(String signature, int length, int revision) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, signature.getBytes(StandardCharsets.US_ASCII));
        b.putInt(4, length);
        b.put(8, (byte) revision);
        b.put(10, OEM_ID.getBytes(StandardCharsets.US_ASCII));
        b.put(16, OEM_TABLE_ID.getBytes(StandardCharsets.US_ASCII));
        b.putInt(24, 1);
        b.put(28, CREATOR_ID.getBytes(StandardCharsets.US_ASCII));
        b.putInt(32, 1);
        return b;
    }

    private static byte[] seal(ByteBuffer b) {
        byte[] a = b.array();
        a[9] = 0;
        a[9] = checksum(a, 0, a.length);
        return a;
    }

    /** The byte that makes {@code a[from..to)} sum to zero modulo 256. */
    static byte checksum(byte[] a, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += a[i];
        }
        return (byte) -sum;
    }
}
