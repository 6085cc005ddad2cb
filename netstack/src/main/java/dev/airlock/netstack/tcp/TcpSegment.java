package dev.airlock.netstack.tcp;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.packet.Parsed;
import io.netty.buffer.ByteBuf;

/**
 * Validated view of a TCP segment over IPv4: data offset, length, checksum, flag combinations
 * and options (MSS, window scale, SACK-permitted, SACK, timestamps) are checked before the
 * view exists. A segment with a malformed option is dropped whole.
 */
public final class TcpSegment {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int HEADER = 20;
    public static final int MAX_SACK_BLOCKS = 4;

    private final ByteBuf buf;
    private final int at;
    private final int headerLength;
    private final int length;
    private final int src;
    private final int dst;
    private int mss = -1;
    private int windowScale = -1;
    private boolean sackPermitted;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;
    private int sackCount;
    private final int[] sack = new int[MAX_SACK_BLOCKS * 2];

    private TcpSegment(ByteBuf buf, int at, int headerLength, int length, int src, int dst) {
        this.buf = buf;
        this.at = at;
        this.headerLength = headerLength;
        this.length = length;
        this.src = src;
        this.dst = dst;
    }

    public static Parsed<TcpSegment> parse(Ipv4Packet ip) {
        return parse(ip.buffer(), ip.payloadOffset(), ip.payloadLength(), ip.source(), ip.destination(),
                !ip.transportChecksumTrusted());
    }

    public static Parsed<TcpSegment> parse(ByteBuf buf, int offset, int length, int src, int dst) {
        return parse(buf, offset, length, src, dst, true);
    }

    private static Parsed<TcpSegment> parse(ByteBuf buf, int offset, int length, int src, int dst, boolean verifyChecksum) {
        if (length < HEADER) {
            return Parsed.bad(Counter.TCP_MALFORMED);
        }
        int doff = (buf.getUnsignedByte(offset + 12) >>> 4) * 4;
        if (doff < HEADER || doff > length) {
            return Parsed.bad(Counter.TCP_MALFORMED);
        }
        if (verifyChecksum && !Checksum.verifies(Checksum.pseudoHeader4(src, dst, Ipv4Packet.PROTO_TCP, length), buf, offset, length)) {
            return Parsed.bad(Counter.TCP_BAD_CHECKSUM);
        }
        int flags = buf.getUnsignedByte(offset + 13);
        if ((flags & SYN) != 0 && (flags & (FIN | RST)) != 0) {
            return Parsed.bad(Counter.TCP_BAD_FLAGS);
        }
        if (buf.getUnsignedShort(offset) == 0 || buf.getUnsignedShort(offset + 2) == 0) {
            return Parsed.bad(Counter.TCP_MALFORMED);
        }
        TcpSegment seg = new TcpSegment(buf, offset, doff, length, src, dst);
        if (!seg.parseOptions()) {
            return Parsed.bad(Counter.TCP_BAD_OPTIONS);
        }
        return Parsed.ok(seg);
    }

    private boolean parseOptions() {
        int i = at + HEADER;
        int end = at + headerLength;
        while (i < end) {
            int kind = buf.getUnsignedByte(i);
            if (kind == 0) {
                break; // end of option list
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return false;
            }
            int len = buf.getUnsignedByte(i + 1);
            if (len < 2 || i + len > end) {
                return false;
            }
            switch (kind) {
                case 2 -> {
                    if (len != 4) return false;
                    mss = buf.getUnsignedShort(i + 2);
                }
                case 3 -> {
                    if (len != 3) return false;
                    windowScale = Math.min(14, buf.getUnsignedByte(i + 2)); // RFC 7323 2.3: clamp to 14
                }
                case 4 -> {
                    if (len != 2) return false;
                    sackPermitted = true;
                }
                case 5 -> {
                    if ((len - 2) % 8 != 0 || len == 2) return false;
                    int n = Math.min(MAX_SACK_BLOCKS, (len - 2) / 8);
                    for (int b = 0; b < n; b++) {
                        sack[2 * b] = buf.getInt(i + 2 + 8 * b);
                        sack[2 * b + 1] = buf.getInt(i + 6 + 8 * b);
                    }
                    sackCount = n;
                }
                case 8 -> {
                    if (len != 10) return false;
                    hasTimestamps = true;
                    tsVal = buf.getInt(i + 2);
                    tsEcr = buf.getInt(i + 6);
                }
                default -> { } // unknown options are skipped (RFC 9293 3.2 "MUST ignore")
            }
            i += len;
        }
        return true;
    }

    public int sourceIp() {
        return src;
    }

    public int destinationIp() {
        return dst;
    }

    public int sourcePort() {
        return buf.getUnsignedShort(at);
    }

    public int destinationPort() {
        return buf.getUnsignedShort(at + 2);
    }

    public int seq() {
        return buf.getInt(at + 4);
    }

    public int ack() {
        return buf.getInt(at + 8);
    }

    public int flags() {
        return buf.getUnsignedByte(at + 13);
    }

    public boolean has(int flag) {
        return (flags() & flag) != 0;
    }

    /** The raw (unscaled) window field. */
    public int window() {
        return buf.getUnsignedShort(at + 14);
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int payloadOffset() {
        return at + headerLength;
    }

    public int payloadLength() {
        return length - headerLength;
    }

    /** Sequence space the segment occupies: payload plus one each for SYN and FIN. */
    public int sequenceLength() {
        return payloadLength() + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    /** MSS option value, or -1. */
    public int mss() {
        return mss;
    }

    /** Window scale shift (clamped to 14), or -1 when absent. */
    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    public int sackBlockCount() {
        return sackCount;
    }

    public int sackStart(int i) {
        return sack[2 * i];
    }

    public int sackEnd(int i) {
        return sack[2 * i + 1];
    }

    /** The IP header and leading bytes are not kept; this quotes the TCP header for ICMP errors. */
    public int headerLength() {
        return headerLength;
    }
}
