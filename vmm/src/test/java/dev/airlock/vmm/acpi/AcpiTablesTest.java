package dev.airlock.vmm.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.acpi.AmlDecoder.Buffer;
import dev.airlock.vmm.acpi.AmlDecoder.Device;
import dev.airlock.vmm.acpi.AmlDecoder.Name;
import dev.airlock.vmm.acpi.AmlDecoder.Node;
import dev.airlock.vmm.acpi.AmlDecoder.Resource;
import dev.airlock.vmm.acpi.AmlDecoder.Scope;
import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.TestMemory;
import dev.airlock.vmm.testing.Toolchain;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcpiTablesTest {

    private static final List<AcpiTables.MmioDevice> DEVICES = List.of(
            new AcpiTables.MmioDevice(AddressMap.virtioMmioAddress(0), 0x1000, AddressMap.virtioIrq(0)),
            new AcpiTables.MmioDevice(AddressMap.virtioMmioAddress(1), 0x1000, AddressMap.virtioIrq(1)));

    private final GuestMemory m = TestMemory.of(1 << 20);
    private final AcpiTables.Layout layout = AcpiTables.write(m, 2, DEVICES);

    private static int sum(byte[] b) {
        int s = 0;
        for (byte x : b) {
            s += x;
        }
        return s & 0xff;
    }

    /** Reads a table at {@code at}, checking signature, length and checksum. */
    private byte[] table(long at, String signature) {
        assertEquals(signature, new String(m.read(at, 4)), "signature at 0x" + Long.toHexString(at));
        int length = m.readU32(at + 4);
        byte[] t = m.read(at, length);
        assertEquals(0, sum(t), signature + " checksum");
        assertEquals("AIRLCK", new String(t, 10, 6), signature + " OEM id");
        return t;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void rsdpPointsToXsdtWhichListsFadtAndMadt() {
        byte[] rsdp = m.read(layout.rsdp(), 36);
        assertEquals(AddressMap.ACPI_ADDRESS, layout.rsdp(), "RSDP where legacy scans look too");
        assertEquals("RSD PTR ", new String(rsdp, 0, 8));
        assertEquals(0, sum(java.util.Arrays.copyOf(rsdp, 20)), "RSDP 1.0 checksum");
        assertEquals(0, sum(rsdp), "RSDP extended checksum");
        assertEquals(2, rsdp[15], "revision 2");
        assertEquals(36, le(rsdp).getInt(20));
        assertEquals(layout.xsdt(), le(rsdp).getLong(24));

        byte[] xsdt = table(layout.xsdt(), "XSDT");
        assertEquals(36 + 16, xsdt.length);
        assertEquals(layout.fadt(), le(xsdt).getLong(36));
        assertEquals(layout.madt(), le(xsdt).getLong(44));
    }

    @Test
    void fadtIsHardwareReducedAndPointsAtTheDsdt() {
        byte[] fadt = table(layout.fadt(), "FACP");
        ByteBuffer b = le(fadt);
        assertEquals(276, fadt.length);
        assertEquals(6, fadt[8], "revision");
        assertEquals(5, fadt[131], "minor revision");
        assertEquals((int) layout.dsdt(), b.getInt(40), "DSDT");
        assertEquals(layout.dsdt(), b.getLong(140), "X_DSDT");
        assertEquals(1 << 20, b.getInt(112) & (1 << 20), "HW_REDUCED_ACPI");
        assertEquals(1 << 5, b.getShort(109) & (1 << 5), "CMOS RTC not present");
        assertEquals(0, b.getInt(36), "no FACS in hardware-reduced mode");
    }

    @Test
    void madtListsEachCpuAndTheIoapic() {
        byte[] madt = table(layout.madt(), "APIC");
        ByteBuffer b = le(madt);
        assertEquals((int) AddressMap.LAPIC_ADDRESS, b.getInt(36));
        int at = 44;
        for (int cpu = 0; cpu < 2; cpu++) {
            assertEquals(0, madt[at], "type: processor local APIC");
            assertEquals(8, madt[at + 1]);
            assertEquals(cpu, madt[at + 3], "APIC id");
            assertEquals(1, b.getInt(at + 4), "enabled");
            at += 8;
        }
        assertEquals(1, madt[at], "type: I/O APIC");
        assertEquals(12, madt[at + 1]);
        assertEquals((int) AddressMap.IOAPIC_ADDRESS, b.getInt(at + 4));
        assertEquals(0, b.getInt(at + 8), "GSI base");
        assertEquals(madt.length, at + 12);
    }

    @Test
    void dsdtDecodesToCom1AndTheVirtioDevices() {
        byte[] dsdt = table(layout.dsdt(), "DSDT");
        assertEquals(2, dsdt[8], "revision 2: 64-bit integers");
        List<Node> top = AmlDecoder.decode(java.util.Arrays.copyOfRange(dsdt, 36, dsdt.length));
        assertEquals(1, top.size());
        Scope sb = assertInstanceOf(Scope.class, top.get(0));
        assertEquals("\\_SB_", sb.name());
        assertEquals(3, sb.children().size());

        Device com1 = assertInstanceOf(Device.class, sb.children().get(0));
        assertEquals("COM1", com1.name());
        assertEquals("PNP0501", AmlDecoder.eisaId((Long) value(com1, "_HID")));
        List<Resource> res = AmlDecoder.resources(((Buffer) value(com1, "_CRS")).bytes());
        assertEquals(3, res.size());
        assertEquals(0x8, res.get(0).type(), "I/O port descriptor");
        ByteBuffer io = le(res.get(0).body());
        assertEquals(1, io.get(0), "decodes 16 bits");
        assertEquals(0x3f8, io.getShort(1));
        assertEquals(0x3f8, io.getShort(3));
        assertEquals(8, io.get(6), "8 ports");
        assertEquals(0x4, res.get(1).type(), "IRQ descriptor");
        assertEquals(1 << 4, le(res.get(1).body()).getShort(0), "IRQ 4");
        assertEquals(0xf, res.get(2).type(), "end tag");

        for (int i = 0; i < 2; i++) {
            Device v = assertInstanceOf(Device.class, sb.children().get(1 + i));
            assertEquals(String.format("V%03X", i), v.name());
            assertEquals("LNRO0005", value(v, "_HID"));
            assertEquals((long) i, value(v, "_UID"));
            List<Resource> r = AmlDecoder.resources(((Buffer) value(v, "_CRS")).bytes());
            assertEquals(0x86, r.get(0).type(), "Memory32Fixed");
            ByteBuffer mem = le(r.get(0).body());
            assertEquals(1, mem.get(0), "read-write");
            assertEquals((int) AddressMap.virtioMmioAddress(i), mem.getInt(1));
            assertEquals(0x1000, mem.getInt(5));
            assertEquals(0x89, r.get(1).type(), "extended interrupt");
            ByteBuffer irq = le(r.get(1).body());
            assertEquals(0x03, irq.get(0), "consumer, edge, active high, exclusive");
            assertEquals(1, irq.get(1));
            assertEquals(AddressMap.virtioIrq(i), irq.getInt(2));
        }
    }

    private static Object value(Device d, String name) {
        return d.children().stream().filter(n -> n instanceof Name nm && nm.name().equals(name))
                .map(n -> ((Name) n).value()).findFirst().orElseThrow(() -> new AssertionError("no " + name));
    }

    @Test
    void pkgLengthEncodingsAcrossTheirBoundaries() {
        for (int n : new int[] {0, 61, 62, 63, 64, 4000, 4093, 4094, 5000, 1_000_000, 1_048_572, 1_048_573}) {
            byte[] enc = Aml.pkg(new byte[n]);
            int lead = enc[0] & 0xff;
            int follow = lead >> 6;
            int len = follow == 0 ? lead & 0x3f : lead & 0xf;
            for (int i = 0; i < follow; i++) {
                len |= (enc[1 + i] & 0xff) << (4 + 8 * i);
            }
            assertEquals(enc.length, len, "length includes the PkgLength bytes for body " + n);
            if (follow > 0) {
                assertEquals(0, lead & 0x30, "bits 4-5 of a multi-byte lead are reserved");
            }
        }
    }

    @Test
    void iaslDisassemblesTheDsdt(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("iasl");
        byte[] dsdt = m.read(layout.dsdt(), m.readU32(layout.dsdt() + 4));
        Files.write(dir.resolve("dsdt.aml"), dsdt);
        Toolchain.run(dir, "iasl", "-d", "dsdt.aml");
        String asl = Files.readString(dir.resolve("dsdt.dsl"));
        assertTrue(asl.contains("Device (COM1)"), asl);
        assertTrue(asl.contains("EisaId (\"PNP0501\")"), asl);
        assertTrue(asl.contains("IO (Decode16,"), asl);
        assertTrue(asl.contains("IRQNoFlags ()"), asl);
        assertTrue(asl.contains("Device (V001)"), asl);
        assertTrue(asl.contains("Name (_HID, \"LNRO0005\")"), asl);
        assertTrue(asl.contains("Memory32Fixed (ReadWrite,"), asl);
        assertTrue(asl.contains("0xD0001000"), asl);
        assertTrue(asl.contains("Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, )"), asl);
        assertTrue(asl.contains("0x00000006,"), "IRQ of device 1: " + asl);
    }
}
