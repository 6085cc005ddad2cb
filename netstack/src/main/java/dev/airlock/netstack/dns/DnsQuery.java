package dev.airlock.netstack.dns;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.packet.Parsed;
import io.netty.buffer.ByteBuf;

/**
 * A validated DNS query (RFC 1035 4.1): the header fields a responder echoes and the single
 * question. Obtained only through {@link #parse}, which refuses — with
 * {@link Counter#DNS_MALFORMED} — anything that is not a query with exactly one well-formed,
 * uncompressed question. Answer, authority and additional sections (e.g. an EDNS OPT record)
 * are ignored, as a responder without EDNS support may (RFC 6891 7).
 */
public final class DnsQuery {
    public static final int HEADER = 12;
    public static final int TYPE_A = 1;
    public static final int TYPE_AAAA = 28;
    public static final int CLASS_IN = 1;
    /** Longest name in wire form, length octets included (RFC 1035 2.3.4). */
    static final int MAX_NAME_WIRE = 255;
    static final int MAX_LABEL = 63;

    private final int id;
    private final int opcode;
    private final boolean recursionDesired;
    private final String name;
    private final int type;
    private final int qclass;
    private final byte[] question;

    private DnsQuery(int id, int opcode, boolean recursionDesired, String name, int type, int qclass, byte[] question) {
        this.id = id;
        this.opcode = opcode;
        this.recursionDesired = recursionDesired;
        this.name = name;
        this.type = type;
        this.qclass = qclass;
        this.question = question;
    }

    /** Validates {@code msg} from its reader index to its writer index; does not move the indexes. */
    public static Parsed<DnsQuery> parse(ByteBuf msg) {
        int base = msg.readerIndex();
        int len = msg.readableBytes();
        if (len < HEADER) {
            return Parsed.bad(Counter.DNS_MALFORMED);
        }
        int id = msg.getUnsignedShort(base);
        int flags = msg.getUnsignedShort(base + 2);
        if ((flags & 0x8000) != 0) {
            return Parsed.bad(Counter.DNS_MALFORMED); // a response: never answer one (no reflection loops)
        }
        if (msg.getUnsignedShort(base + 4) != 1) {
            return Parsed.bad(Counter.DNS_MALFORMED); // QDCOUNT: every real resolver sends exactly one question
        }
        StringBuilder text = new StringBuilder();
        int at = HEADER;
        while (true) {
            if (at >= len) {
                return Parsed.bad(Counter.DNS_MALFORMED);
            }
            int labelLength = msg.getUnsignedByte(base + at);
            if (labelLength == 0) {
                at++;
                break;
            }
            if ((labelLength & 0xC0) != 0) {
                // 11: a compression pointer (never needed in a question); 01/10: reserved.
                return Parsed.bad(Counter.DNS_MALFORMED);
            }
            if (at + 1 + labelLength > len || at + 1 + labelLength + 1 - HEADER > MAX_NAME_WIRE) {
                return Parsed.bad(Counter.DNS_MALFORMED);
            }
            if (!text.isEmpty()) {
                text.append('.');
            }
            appendLabel(text, msg, base + at + 1, labelLength);
            at += 1 + labelLength;
        }
        if (at + 4 > len) {
            return Parsed.bad(Counter.DNS_MALFORMED);
        }
        int type = msg.getUnsignedShort(base + at);
        int qclass = msg.getUnsignedShort(base + at + 2);
        byte[] question = new byte[at + 4 - HEADER];
        msg.getBytes(base + HEADER, question);
        return Parsed.ok(new DnsQuery(id, (flags >>> 11) & 0xF, (flags & 0x0100) != 0, text.toString(), type, qclass, question));
    }

    /**
     * Lower-cases ASCII letters (names compare case-insensitively, RFC 4343) and writes every
     * byte that is not a letter, digit, '-', '_' or '*' as {@code \DDD}, the RFC 1035 5.1
     * escape, so a name with dots or binary inside a label can never pass for another name.
     */
    private static void appendLabel(StringBuilder out, ByteBuf msg, int from, int length) {
        for (int i = 0; i < length; i++) {
            int c = msg.getUnsignedByte(from + i);
            if (c >= 'A' && c <= 'Z') {
                out.append((char) (c + 32));
            } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*') {
                out.append((char) c);
            } else {
                out.append('\\').append((char) ('0' + c / 100)).append((char) ('0' + c / 10 % 10)).append((char) ('0' + c % 10));
            }
        }
    }

    public int id() {
        return id;
    }

    /** 0 is QUERY; others (IQUERY, STATUS, NOTIFY, UPDATE) get NOTIMP. */
    public int opcode() {
        return opcode;
    }

    public boolean recursionDesired() {
        return recursionDesired;
    }

    /** The question name: lower case, no trailing dot, "" for the root; unusual bytes escaped as {@code \DDD}. */
    public String name() {
        return name;
    }

    public int type() {
        return type;
    }

    public int qclass() {
        return qclass;
    }

    /** The question section exactly as received, echoed in the response. */
    byte[] questionBytes() {
        return question.clone();
    }

    int questionLength() {
        return question.length;
    }

    /** The mnemonic for common types (A, AAAA, ...), else {@code TYPEnnn} (RFC 3597). */
    public static String typeName(int type) {
        return switch (type) {
            case TYPE_A -> "A";
            case 2 -> "NS";
            case 5 -> "CNAME";
            case 6 -> "SOA";
            case 12 -> "PTR";
            case 15 -> "MX";
            case 16 -> "TXT";
            case TYPE_AAAA -> "AAAA";
            case 33 -> "SRV";
            case 64 -> "SVCB";
            case 65 -> "HTTPS";
            case 255 -> "ANY";
            default -> "TYPE" + type;
        };
    }
}
