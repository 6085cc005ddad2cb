package dev.airlock.netstack.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.testing.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The FFM TAP bindings and the virtio-net header handling. */
class TapDeviceTest {
    @Test
    void failedCallsNameTheCallAndErrno() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
                "needs root and /dev/net/tun");
        NativeCallException e = assertThrows(NativeCallException.class, () -> TapDevice.open("bad/name"));
        assertTrue(e.getMessage().startsWith("ioctl(TUNSETIFF, bad/name) failed: errno 22"), e.getMessage());
        assertEquals(22, e.errno());
    }

    @Test
    void opensATapWithTheRequestedName() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
                "needs root and /dev/net/tun");
        String name = "alkt" + (ProcessHandle.current().pid() % 100000);
        try (TapDevice tap = TapDevice.open(name)) {
            assertEquals(name, tap.name());
            assertTrue(Files.exists(Path.of("/sys/class/net", name)));
        }
        assertTrue(!Files.exists(Path.of("/sys/class/net", name)), "the non-persistent TAP goes away with its descriptor");
    }

    @Test
    void completesOrTrustsPartialChecksumsAndRejectsGso() {
        ByteBuf frame = Frames.ipv4Frame(0xc6120002, 0xcb00710a, 17,
                Frames.udp(0xc6120002, 0xcb00710a, 1000, 2000, "payload".getBytes()));
        int udpAt = 14 + Ipv4Packet.MIN_HEADER;
        int correct = frame.getUnsignedShort(udpAt + 6);
        // what a NEEDS_CSUM sender leaves: the folded pseudo-header sum, not the final checksum
        long pseudo = Checksum.pseudoHeader4(0xc6120002, 0xcb00710a, 17, 8 + 7);
        frame.setShort(udpAt + 6, (int) (~Checksum.finish(pseudo) & 0xffff));
        ByteBuf withHeader = Unpooled.buffer();
        withHeader.writeByte(1).writeByte(0).writeShortLE(0).writeShortLE(0)
                .writeShortLE(udpAt).writeShortLE(6).writeShortLE(0).writeBytes(frame);
        ByteBuf untouched = withHeader.copy();
        assertEquals(VirtioNetHeader.Verdict.OK, VirtioNetHeader.accept(withHeader, true));
        assertEquals(correct, withHeader.getUnsignedShort(withHeader.readerIndex() + udpAt + 6));
        // a receiver that skips checksums gets the frame as the kernel left it
        assertEquals(VirtioNetHeader.Verdict.TRUSTED, VirtioNetHeader.accept(untouched, false));
        assertEquals(~Checksum.finish(pseudo) & 0xffff, untouched.getUnsignedShort(untouched.readerIndex() + udpAt + 6));

        ByteBuf gso = Unpooled.buffer().writeByte(0).writeByte(1).writeZero(10).writeZero(60);
        assertEquals(VirtioNetHeader.Verdict.GSO, VirtioNetHeader.accept(gso, true));
        ByteBuf bad = Unpooled.buffer().writeByte(1).writeByte(0).writeZero(4).writeShortLE(50).writeShortLE(6)
                .writeZero(2).writeZero(20);
        assertEquals(VirtioNetHeader.Verdict.BAD, VirtioNetHeader.accept(bad, false));
    }
}
