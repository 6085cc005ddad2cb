package dev.airlock.netstack.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.packet.Parsed;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 1035 4.1 wire format: the query view refuses what a responder must not answer; responses encode as specified. */
class DnsMessageTest {
    /** A query as glibc sends it: id, RD, one question, an EDNS OPT record in the additional section. */
    static byte[] query(int id, String name, int type, boolean withOpt) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(id >> 8);
        b.write(id);
        b.write(0x01); // RD
        b.write(0x00);
        b.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, (byte) (withOpt ? 1 : 0)});
        for (String label : name.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        b.write(0);
        b.writeBytes(new byte[] {0, (byte) type, 0, 1});
        if (withOpt) b.writeBytes(new byte[] {0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 0});
        return b.toByteArray();
    }

    private static Parsed<DnsQuery> parse(byte[] bytes) {
        return DnsQuery.parse(Unpooled.wrappedBuffer(bytes));
    }

    @Test
    void parsesAQueryLowerCasingTheName() {
        var ok = assertInstanceOf(Parsed.Ok.class, parse(query(0xbeef, "API.Example.com", 1, true)));
        DnsQuery q = (DnsQuery) ok.view();
        assertEquals(0xbeef, q.id());
        assertEquals("api.example.com", q.name());
        assertEquals(DnsQuery.TYPE_A, q.type());
        assertEquals(DnsQuery.CLASS_IN, q.qclass());
        assertTrue(q.recursionDesired());
        assertEquals("AAAA", DnsQuery.typeName(28));
        assertEquals("TYPE999", DnsQuery.typeName(999));
    }

    @Test
    void escapesBytesThatCouldSmuggleAnotherName() {
        byte[] q = query(1, "a.b", 1, false);
        q[13] = '.'; // the label "a" becomes "." — one label containing a dot, not two labels
        DnsQuery parsed = (DnsQuery) ((Parsed.Ok<?>) parse(q)).view();
        assertEquals("\\046.b", parsed.name());
    }

    @Test
    void everyTruncationIsRefusedAndCounted() {
        byte[] full = query(7, "www.example.org", 1, false);
        for (int n = 0; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            Parsed<DnsQuery> r = parse(cut);
            assertEquals(new Parsed.Bad<DnsQuery>(Counter.DNS_MALFORMED), r, "truncated at " + n);
        }
    }

    @Test
    void refusesResponsesCompressionAndOverlongNames() {
        byte[] response = query(1, "a.example", 1, false);
        response[2] |= (byte) 0x80;
        assertInstanceOf(Parsed.Bad.class, parse(response));
        byte[] pointer = query(1, "a.example", 1, false);
        pointer[12] = (byte) 0xC0;
        assertInstanceOf(Parsed.Bad.class, parse(pointer));
        byte[] twoQuestions = query(1, "a.example", 1, false);
        twoQuestions[5] = 2;
        assertInstanceOf(Parsed.Bad.class, parse(twoQuestions));
        String longLabel = "x".repeat(64);
        assertInstanceOf(Parsed.Bad.class, parse(query(1, longLabel + ".example", 1, false)));
        String label63 = "y".repeat(63);
        String name255 = String.join(".", label63, label63, label63, "z".repeat(62)); // 256 octets in wire form
        assertInstanceOf(Parsed.Bad.class, parse(query(1, name255, 1, false)));
        String name254 = String.join(".", label63, label63, label63, "z".repeat(61)); // 255 octets: the maximum
        assertInstanceOf(Parsed.Ok.class, parse(query(1, name254, 1, false)));
    }

    @Test
    void randomBytesNeverThrow() {
        Random rnd = new Random(1035);
        byte[] base = query(3, "svc.internal.example", 1, true);
        int ok = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = i % 2 == 0 ? new byte[rnd.nextInt(64)] : base.clone();
            if (i % 2 == 0) rnd.nextBytes(b);
            else for (int k = 0; k < 1 + rnd.nextInt(4); k++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            if (parse(b) instanceof Parsed.Ok<DnsQuery>(DnsQuery q)) {
                ok++;
                ByteBuf r = DnsResponse.encode(q, DnsResponse.NOERROR, List.of(), 60);
                assertTrue(r.readableBytes() <= DnsResponse.MAX_UDP);
                r.release();
            }
        }
        assertTrue(ok > 0, "some mutations stay valid and are encoded");
    }

    @Test
    void encodesAnswersWithAPointerToTheQuestion() throws Exception {
        byte[] raw = query(0x1234, "api.test", 1, false);
        DnsQuery q = (DnsQuery) ((Parsed.Ok<?>) parse(raw)).view();
        Inet4Address a = (Inet4Address) InetAddress.getByName("192.0.2.7");
        ByteBuf r = DnsResponse.encode(q, DnsResponse.NOERROR, List.of(a), 60);
        assertEquals(0x1234, r.getUnsignedShort(0));
        assertEquals(0x8180, r.getUnsignedShort(2), "QR, RD copied, RA, NOERROR");
        assertEquals(1, r.getUnsignedShort(4));
        assertEquals(1, r.getUnsignedShort(6));
        int answer = raw.length;
        byte[] question = new byte[raw.length - 12];
        r.getBytes(12, question);
        assertArrayEquals(java.util.Arrays.copyOfRange(raw, 12, raw.length), question);
        assertEquals(0xC00C, r.getUnsignedShort(answer));
        assertEquals(1, r.getUnsignedShort(answer + 2));
        assertEquals(60, r.getInt(answer + 6));
        assertEquals(4, r.getUnsignedShort(answer + 10));
        assertEquals(7, r.getUnsignedByte(answer + 15));
        ByteBuf nx = DnsResponse.encode(q, DnsResponse.NXDOMAIN, List.of(a), 60);
        assertEquals(0x8183, nx.getUnsignedShort(2));
        assertEquals(0, nx.getUnsignedShort(6), "no answers with an error code");
        r.release();
        nx.release();
    }

    @Test
    void answersStayWithin512Bytes() throws Exception {
        DnsQuery q = (DnsQuery) ((Parsed.Ok<?>) parse(query(9, "many.test", 1, false))).view();
        List<Inet4Address> lots = new ArrayList<>();
        for (int i = 0; i < 100; i++) lots.add((Inet4Address) InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i}));
        ByteBuf r = DnsResponse.encode(q, DnsResponse.NOERROR, lots, 60);
        assertTrue(r.readableBytes() <= 512);
        assertEquals((512 - 12 - (raw(q))) / 16, r.getUnsignedShort(6));
        r.release();
    }

    private static int raw(DnsQuery q) {
        return q.questionLength();
    }

    @Test
    void resolvedNamesAreBoundedAndExpire() throws Exception {
        ResolvedNames names = new ResolvedNames(2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        InetAddress c = InetAddress.getByName("192.0.2.3");
        names.remember("a.test", a, 1, 0); // clamped up to 5 s
        assertEquals("a.test", names.nameFor(a, 4_999));
        assertEquals(null, names.nameFor(a, 5_000));
        names.remember("b.test", b, 9999, 0); // clamped down to 300 s
        assertEquals(null, names.nameFor(b, 300_000));
        names.remember("a.test", a, 60, 0);
        names.remember("b.test", b, 60, 0);
        names.remember("c.test", c, 60, 0);
        assertEquals(2, names.size());
        assertEquals(null, names.nameFor(a, 1), "the least recently used entry was evicted");
        assertEquals("c.test", names.nameFor(c, 1));
    }
}
