package dev.airlock.vmm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.vmm.boot.VcpuBoot;
import dev.airlock.vmm.bus.BusDevice;
import dev.airlock.vmm.bus.KvmInterruptLine;
import dev.airlock.vmm.kvm.Registers;
import dev.airlock.vmm.legacy.I8042;
import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.testing.TinyGuest;
import dev.airlock.vmm.testing.Toolchain;
import dev.airlock.vmm.vcpu.VcpuStop;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A minimal virtio-net driver written in 32-bit assembly runs under KVM: it negotiates
 * VIRTIO_F_VERSION_1 through the virtio-mmio registers, sets up both queues, transmits one
 * frame (which must reach the {@link FramePort}) and receives one (which it reports back).
 */
class VirtioNetGuestTest {

    private static final String DRIVER = """
            .code32
            .globl _start
            .set BASE, 0xd0000000
            .set TXDESC, 0x200000
            .set TXAVAIL, 0x200080
            .set TXUSED, 0x200100
            .set RXDESC, 0x201000
            .set RXAVAIL, 0x201080
            .set RXUSED, 0x201100
            .set RXBUF, 0x202000
            _start:
                mov $BASE, %esi
                cmpl $0x74726976, (%esi)
                jne fail
                cmpl $2, 4(%esi)
                jne fail
                cmpl $1, 8(%esi)
                jne fail
                movl $0, 0x70(%esi)
                movl $1, 0x70(%esi)
                movl $3, 0x70(%esi)
                movl $1, 0x24(%esi)
                movl $1, 0x20(%esi)          # VIRTIO_F_VERSION_1 (feature bit 32)
                movl $0, 0x24(%esi)
                movl $0, 0x20(%esi)
                movl $11, 0x70(%esi)         # FEATURES_OK
                testl $8, 0x70(%esi)
                jz fail

                movl $0, 0x30(%esi)          # queue 0: receive
                movl $8, 0x38(%esi)
                movl $RXDESC, 0x80(%esi)
                movl $RXAVAIL, 0x90(%esi)
                movl $RXUSED, 0xa0(%esi)
                movl $1, 0x44(%esi)
                movl $1, 0x30(%esi)          # queue 1: transmit
                movl $8, 0x38(%esi)
                movl $TXDESC, 0x80(%esi)
                movl $TXAVAIL, 0x90(%esi)
                movl $TXUSED, 0xa0(%esi)
                movl $1, 0x44(%esi)
                movl $15, 0x70(%esi)         # DRIVER_OK

                movl $RXBUF, RXDESC          # one 1526-byte device-writable receive buffer
                movl $0, RXDESC+4
                movl $1526, RXDESC+8
                movw $2, RXDESC+12
                movw $0, RXAVAIL+4
                movw $1, RXAVAIL+2
                movl $0, 0x50(%esi)

                movl $packet, TXDESC         # header + frame, device-readable
                movl $0, TXDESC+4
                movl $(packet_end - packet), TXDESC+8
                movw $0, TXDESC+12
                movw $0, TXAVAIL+4
                movw $1, TXAVAIL+2
                movl $1, 0x50(%esi)
            1:  cmpw $1, TXUSED+2
                jne 1b

                mov $0x10, %dx
                mov $'R', %al                # ask the host to send a frame
                outb %al, %dx
            2:  cmpw $1, RXUSED+2
                jne 2b
                mov RXUSED+8, %eax           # used length
                outl %eax, %dx
                mov RXBUF+12, %eax           # first four frame bytes after the header
                outl %eax, %dx
                mov 0x60(%esi), %eax         # interrupt status: used buffers
                outl %eax, %dx
                jmp done
            fail:
                mov $0x10, %dx
                mov $'F', %al
                outb %al, %dx
            done:
                mov $0xfe, %al
                outb %al, $0x64
            3:  hlt
                jmp 3b
            packet:
                .fill 12, 1, 0
                .byte 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
                .byte 0x02, 0x00, 0x00, 0x00, 0x00, 0x01
                .byte 0x88, 0xb5
                .ascii "hello from the guest driver"
            packet_end:
            """;

    @Test
    void aGuestDriverTransmitsAndReceivesThroughVirtioMmio(@TempDir Path dir) throws Exception {
        Toolchain.assumeTools("as", "ld", "objcopy");
        byte[] code = Toolchain.assembleFlat(dir, DRIVER, AddressMap.KERNEL_ADDRESS);
        VirtioNetTest.Peer peer = new VirtioNetTest.Peer();
        byte[] inbound = new byte[60];
        inbound[0] = 0x02;
        inbound[5] = 0x01;
        inbound[12] = (byte) 0x88;
        inbound[13] = (byte) 0xb5;
        try (TinyGuest g = TinyGuest.create(4 << 20, true)) {
            VirtioNet net = new VirtioNet(new byte[] {2, 0, 0, 0, 0, 1}, peer);
            MmioTransport transport = new MmioTransport(net, g.memory, new KvmInterruptLine(g.vm, AddressMap.virtioIrq(0)));
            g.mmio.register(AddressMap.virtioMmioAddress(0), AddressMap.VIRTIO_MMIO_STRIDE, transport);
            new I8042(() -> g.control.requestStop(new VcpuStop.GuestRequested("i8042 reset"))).register(g.pio);
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            g.pio.register(0x10, 4, new BusDevice() {
                @Override
                public void read(long offset, byte[] data) {}

                @Override
                public void write(long offset, byte[] data) {
                    if (data.length == 1 && data[0] == 'R') {
                        peer.guest.accept(ByteBuffer.wrap(inbound));
                    } else {
                        report.writeBytes(data);
                    }
                }
            });
            g.memory.write(AddressMap.KERNEL_ADDRESS, code);
            g.vcpu.setSpecialRegisters(VcpuBoot.protectedMode32Sregs(g.memory, g.vcpu.specialRegisters()));
            Registers r = new Registers();
            r.rip = AddressMap.KERNEL_ADDRESS;
            g.vcpu.setRegisters(r);

            assertEquals(new VcpuStop.GuestRequested("i8042 reset"), g.run(20));
            byte[] expectedFrame = new byte[14 + 27];
            byte[] head = {-1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 1, (byte) 0x88, (byte) 0xb5};
            System.arraycopy(head, 0, expectedFrame, 0, 14);
            System.arraycopy("hello from the guest driver".getBytes(), 0, expectedFrame, 14, 27);
            assertEquals(1, peer.sent.size(), "one frame transmitted; report: " + report);
            assertArrayEquals(expectedFrame, peer.sent.get(0));

            ByteBuffer rep = ByteBuffer.wrap(report.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(12, rep.remaining(), "the guest reached the end of its receive path");
            assertEquals(VirtioNet.HEADER_SIZE + 60, rep.getInt(0), "used length: header + frame");
            assertEquals(ByteBuffer.wrap(inbound, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(), rep.getInt(4),
                    "the guest read the frame we sent");
            assertEquals(1, rep.getInt(8) & 1, "used-buffer interrupt pending");
            assertEquals(1, net.counters().get("tx_frames"));
            assertEquals(1, net.counters().get("rx_frames"));
        }
    }
}
