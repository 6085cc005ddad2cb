package dev.airlock.netstack.packet;

import io.netty.buffer.ByteBuf;
import java.util.HexFormat;

/** A 48-bit Ethernet address held in the low bits of a long. */
public record MacAddress(long bits) {
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);
    public static final MacAddress ZERO = new MacAddress(0);

    public MacAddress {
        if ((bits & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("MAC address wider than 48 bits: " + Long.toHexString(bits));
        }
    }

    /** Parses {@code 02:00:00:00:00:01}. */
    public static MacAddress parse(String text) {
        String[] parts = text.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address (want 6 colon-separated hex bytes): " + text);
        }
        long v = 0;
        for (String p : parts) {
            v = (v << 8) | Integer.parseInt(p, 16);
        }
        return new MacAddress(v);
    }

    public static long read(ByteBuf buf, int index) {
        return ((long) buf.getUnsignedShort(index) << 32) | buf.getUnsignedInt(index + 2);
    }

    public static void write(ByteBuf buf, int index, long mac) {
        buf.setShort(index, (int) (mac >>> 32));
        buf.setInt(index + 2, (int) mac);
    }

    public boolean isMulticast() {
        return ((bits >>> 40) & 1) != 0;
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return b;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(toBytes());
    }
}
