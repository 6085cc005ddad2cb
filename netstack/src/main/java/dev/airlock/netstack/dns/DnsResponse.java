package dev.airlock.netstack.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.util.List;

/** Encodes responses to a {@link DnsQuery} (RFC 1035 4.1). */
public final class DnsResponse {
    public static final int NOERROR = 0;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int NOTIMP = 4;
    /** Classic UDP payload limit without EDNS (RFC 1035 4.2.1): answers beyond it are left out and TC is set. */
    public static final int MAX_UDP = 512;
    /** A message over TCP is preceded by a two-byte length (RFC 1035 4.2.2), so it cannot exceed this. */
    public static final int MAX_TCP = 65535;
    static final int FLAG_TC = 0x0200;
    private static final int A_RECORD = 16; // pointer(2) type(2) class(2) ttl(4) rdlength(2) rdata(4)

    private DnsResponse() {}

    /** True when {@code response} (as encoded here) has TC set. */
    public static boolean truncated(ByteBuf response) {
        return (response.getUnsignedShort(response.readerIndex() + 2) & FLAG_TC) != 0;
    }

    /** A UDP response: at most {@link #MAX_UDP} bytes, TC set when addresses had to be left out. */
    public static ByteBuf encode(DnsQuery q, int rcode, List<Inet4Address> addresses, int ttlSeconds) {
        return encode(q, rcode, addresses, ttlSeconds, MAX_UDP);
    }

    /**
     * The response to {@code q}: its id and question echoed, QR and RA set, RD copied, and one A
     * record per address that fits in {@code maxLength} bytes. When some do not fit, TC is set
     * (RFC 1035 4.1.1; RFC 7766 5: the client retries over TCP, where the limit is 64 KiB).
     * Each answer names the question through a compression pointer to offset 12.
     */
    public static ByteBuf encode(DnsQuery q, int rcode, List<Inet4Address> addresses, int ttlSeconds, int maxLength) {
        int room = (maxLength - DnsQuery.HEADER - q.questionLength()) / A_RECORD;
        int n = rcode == NOERROR ? Math.min(addresses.size(), Math.max(room, 0)) : 0;
        boolean truncated = rcode == NOERROR && n < addresses.size();
        ByteBuf b = Unpooled.buffer(DnsQuery.HEADER + q.questionLength() + n * A_RECORD);
        b.writeShort(q.id());
        int flags = 0x8000 | (q.opcode() & 0xF) << 11 | (truncated ? FLAG_TC : 0) | (q.recursionDesired() ? 0x0100 : 0)
                | 0x0080 | (rcode & 0xF);
        b.writeShort(flags);
        b.writeShort(1);
        b.writeShort(n);
        b.writeShort(0);
        b.writeShort(0);
        b.writeBytes(q.questionBytes());
        for (int i = 0; i < n; i++) {
            b.writeShort(0xC000 | DnsQuery.HEADER);
            b.writeShort(DnsQuery.TYPE_A);
            b.writeShort(DnsQuery.CLASS_IN);
            b.writeInt(ttlSeconds);
            b.writeShort(4);
            b.writeBytes(addresses.get(i).getAddress());
        }
        return b;
    }
}
