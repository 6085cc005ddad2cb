package dev.airlock.netstack.packet;

import dev.airlock.netstack.Counter;
import io.netty.buffer.ByteBuf;

/** Validated view of an ICMPv4 message (RFC 792): length and checksum checked. */
public final class IcmpMessage {
    public static final int HEADER = 8;
    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_ADMIN_PROHIBITED = 13;

    private final ByteBuf buf;
    private final int at;
    private final int length;

    private IcmpMessage(ByteBuf buf, int at, int length) {
        this.buf = buf;
        this.at = at;
        this.length = length;
    }

    public static Parsed<IcmpMessage> parse(ByteBuf buf, int offset, int length) {
        if (length < HEADER || !Checksum.verifies(0, buf, offset, length)) {
            return Parsed.bad(Counter.ICMP_MALFORMED);
        }
        return Parsed.ok(new IcmpMessage(buf, offset, length));
    }

    public int type() {
        return buf.getUnsignedByte(at);
    }

    public int code() {
        return buf.getUnsignedByte(at + 1);
    }

    /** Identifier and sequence number of an echo, as one 32-bit value. */
    public int restOfHeader() {
        return buf.getInt(at + 4);
    }

    public int offset() {
        return at;
    }

    public int length() {
        return length;
    }

    /** True for the informational types (echo etc.) that may be answered with an error. */
    public boolean isQuery() {
        int t = type();
        return t == ECHO_REQUEST || t == ECHO_REPLY || t == 13 || t == 14;
    }
}
