package dev.airlock.netstack.testing;

import dev.airlock.netstack.tcp.TcpSegment;
import io.netty.buffer.ByteBuf;

/** The guest end of one TCP connection, built by hand: tracks its own sequence numbers. */
public final class TestGuest {
    public final int port;
    public final int remotePort;
    public int seq;
    public int ack;
    public int window = 65535;
    public byte[] options = new byte[0];

    public TestGuest(int port, int remotePort, int isn) {
        this.port = port;
        this.remotePort = remotePort;
        this.seq = isn;
    }

    public ByteBuf segment(int seq, int ack, int flags, byte[] data) {
        return Frames.ipv4Frame(StackHarness.GUEST, StackHarness.REMOTE, 6, Frames.tcp(StackHarness.GUEST,
                StackHarness.REMOTE, port, remotePort, seq, ack, flags, window, options, data));
    }

    /** A SYN without options (the stack then uses MSS 536, no scaling, no SACK, no timestamps). */
    public ByteBuf syn() {
        return segment(seq, 0, TcpSegment.SYN, new byte[0]);
    }

    /** Records the SYN-ACK and returns the handshake-completing ACK. */
    public ByteBuf ackSynAck(Captured synAck) {
        seq = seq + 1;
        ack = synAck.tcp().seq() + 1;
        return segment(seq, ack, TcpSegment.ACK, new byte[0]);
    }

    public ByteBuf data(String text) {
        byte[] d = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ByteBuf f = segment(seq, ack, TcpSegment.ACK | TcpSegment.PSH, d);
        seq += d.length;
        return f;
    }

    public ByteBuf fin() {
        ByteBuf f = segment(seq, ack, TcpSegment.ACK | TcpSegment.FIN, new byte[0]);
        seq += 1;
        return f;
    }

    public ByteBuf ackTo(int ackValue) {
        ack = ackValue;
        return segment(seq, ack, TcpSegment.ACK, new byte[0]);
    }
}
