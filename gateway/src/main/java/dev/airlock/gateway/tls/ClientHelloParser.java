package dev.airlock.gateway.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the SNI and ALPN extensions of a TLS ClientHello from the first bytes of a stream,
 * without consuming them (the bytes are later handed to the TLS engine unchanged).
 *
 * <p>The handshake message may span several TLS records; it is reassembled up to
 * {@link #MAX_HELLO_BYTES}. Any structural error is {@link Result.Malformed}: the caller
 * denies, it never guesses.
 */
public final class ClientHelloParser {
    /** Largest ClientHello accepted; real ones (with post-quantum key shares) stay under 4 KiB. */
    public static final int MAX_HELLO_BYTES = 16 * 1024;

    private static final int RECORD_HEADER = 5;
    private static final int CONTENT_HANDSHAKE = 22;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_ALPN = 16;

    private ClientHelloParser() {}

    public sealed interface Result {
        /** More bytes are needed; call again when they arrive. */
        record NeedMore() implements Result {}

        /** The stream does not start with a TLS handshake record. */
        record NotTls() implements Result {}

        record Malformed(String reason) implements Result {}

        record Parsed(ClientHello hello) implements Result {}
    }

    private static final Result NEED_MORE = new Result.NeedMore();

    /** Inspects the readable bytes of {@code in} without changing its indices. */
    public static Result parse(ByteBuf in) {
        int base = in.readerIndex();
        int available = in.readableBytes();
        if (available < 1) return NEED_MORE;
        if (in.getUnsignedByte(base) != CONTENT_HANDSHAKE) return new Result.NotTls();
        if (available < RECORD_HEADER) return NEED_MORE;
        if (in.getUnsignedByte(base + 1) != 3) return new Result.NotTls();

        // Reassemble the handshake fragments of consecutive handshake records.
        byte[] hs = new byte[MAX_HELLO_BYTES + 4];
        int hsLen = 0;
        int pos = base;
        int needed = -1;
        while (needed < 0 || hsLen < needed) {
            if (base + available - pos < RECORD_HEADER) return NEED_MORE;
            if (in.getUnsignedByte(pos) != CONTENT_HANDSHAKE) {
                return new Result.Malformed("ClientHello interrupted by a non-handshake record");
            }
            int recLen = in.getUnsignedShort(pos + 3);
            if (recLen == 0 || recLen > 16384 + 2048) return new Result.Malformed("bad TLS record length " + recLen);
            if (base + available - pos - RECORD_HEADER < recLen) return NEED_MORE;
            int copy = Math.min(recLen, hs.length - hsLen);
            if (copy < recLen) return new Result.Malformed("ClientHello larger than " + MAX_HELLO_BYTES + " bytes");
            in.getBytes(pos + RECORD_HEADER, hs, hsLen, copy);
            hsLen += copy;
            pos += RECORD_HEADER + recLen;
            if (needed < 0 && hsLen >= 4) {
                if ((hs[0] & 0xFF) != HANDSHAKE_CLIENT_HELLO) {
                    return new Result.Malformed("first handshake message is not a ClientHello");
                }
                int bodyLen = ((hs[1] & 0xFF) << 16) | ((hs[2] & 0xFF) << 8) | (hs[3] & 0xFF);
                if (bodyLen > MAX_HELLO_BYTES) {
                    return new Result.Malformed("ClientHello larger than " + MAX_HELLO_BYTES + " bytes");
                }
                needed = 4 + bodyLen;
            }
        }
        return parseBody(new Reader(hs, 4, needed));
    }

    private static Result parseBody(Reader r) {
        try {
            r.skip(2 + 32); // legacy_version, random
            r.skip(r.u8()); // session id
            int suites = r.u16();
            if (suites == 0 || suites % 2 != 0) return new Result.Malformed("bad cipher suite list");
            r.skip(suites);
            int compression = r.u8();
            if (compression == 0) return new Result.Malformed("empty compression method list");
            r.skip(compression);
            String serverName = null;
            List<String> alpn = new ArrayList<>();
            boolean sawSni = false;
            boolean sawAlpn = false;
            if (r.remaining() > 0) {
                int extLen = r.u16();
                int extEnd = r.pos + extLen;
                if (extEnd != r.end) return new Result.Malformed("extensions length does not match the ClientHello");
                while (r.pos < extEnd) {
                    int type = r.u16();
                    int len = r.u16();
                    Reader ext = r.slice(len);
                    if (type == EXT_SERVER_NAME) {
                        if (sawSni) return new Result.Malformed("duplicate server_name extension");
                        sawSni = true;
                        serverName = parseServerName(ext);
                    } else if (type == EXT_ALPN) {
                        if (sawAlpn) return new Result.Malformed("duplicate ALPN extension");
                        sawAlpn = true;
                        int listLen = ext.u16();
                        int listEnd = ext.pos + listLen;
                        if (listEnd != ext.end) return new Result.Malformed("bad ALPN list length");
                        while (ext.pos < listEnd) {
                            int n = ext.u8();
                            if (n == 0) return new Result.Malformed("empty ALPN protocol name");
                            alpn.add(ext.ascii(n));
                        }
                    }
                }
            }
            return new Result.Parsed(new ClientHello(serverName, alpn));
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            return new Result.Malformed("truncated or inconsistent ClientHello: " + e.getMessage());
        }
    }

    private static String parseServerName(Reader ext) {
        int listLen = ext.u16();
        int listEnd = ext.pos + listLen;
        if (listEnd != ext.end) throw new IllegalStateException("bad server_name list length");
        String host = null;
        while (ext.pos < listEnd) {
            int nameType = ext.u8();
            int n = ext.u16();
            String name = ext.ascii(n);
            if (nameType == 0) {
                if (host != null) throw new IllegalStateException("more than one host_name in server_name");
                if (n == 0) throw new IllegalStateException("empty host_name");
                host = name.toLowerCase(Locale.ROOT);
            }
        }
        return host;
    }

    /** Bounds-checked big-endian reader over part of an array. */
    private static final class Reader {
        final byte[] b;
        int pos;
        final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        void need(int n) {
            if (n < 0 || pos + n > end) throw new IndexOutOfBoundsException("needs " + n + " bytes, has " + remaining());
        }

        int u8() {
            need(1);
            return b[pos++] & 0xFF;
        }

        int u16() {
            need(2);
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        void skip(int n) {
            need(n);
            pos += n;
        }

        Reader slice(int n) {
            need(n);
            Reader r = new Reader(b, pos, pos + n);
            pos += n;
            return r;
        }

        String ascii(int n) {
            need(n);
            for (int i = pos; i < pos + n; i++) {
                int c = b[i] & 0xFF;
                if (c < 0x20 || c > 0x7E) throw new IllegalStateException("non-printable byte in name");
            }
            String s = new String(b, pos, n, StandardCharsets.US_ASCII);
            pos += n;
            return s;
        }
    }
}
