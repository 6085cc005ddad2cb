package dev.airlock.gateway.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** Parses ClientHellos produced by the JDK's own TLS client, split and mutated every way. */
class ClientHelloParserTest {
    private static byte[] jdkClientHello(String sni, String... alpn) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("ignored", 443);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        if (sni != null) params.setServerNames(List.of(new SNIHostName(sni)));
        params.setApplicationProtocols(alpn);
        engine.setSSLParameters(params);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    @Test
    void readsSniAndAlpnFromARealClientHelloAtEverySplit() throws Exception {
        byte[] hello = jdkClientHello("API.Example.com", "h2", "http/1.1");
        for (int split = 0; split < hello.length; split++) {
            ByteBuf partial = Unpooled.wrappedBuffer(Arrays.copyOf(hello, split));
            assertInstanceOf(ClientHelloParser.Result.NeedMore.class, ClientHelloParser.parse(partial), "split " + split);
            assertEquals(0, partial.readerIndex());
        }
        ClientHelloParser.Result r = ClientHelloParser.parse(Unpooled.wrappedBuffer(hello));
        ClientHello h = assertInstanceOf(ClientHelloParser.Result.Parsed.class, r).hello();
        assertEquals("api.example.com", h.serverName());
        assertEquals(List.of("h2", "http/1.1"), h.alpn());
    }

    @Test
    void noSniNoAlpn() throws Exception {
        ClientHello h = assertInstanceOf(ClientHelloParser.Result.Parsed.class,
                ClientHelloParser.parse(Unpooled.wrappedBuffer(jdkClientHello(null)))).hello();
        assertNull(h.serverName());
        assertEquals(List.of(), h.alpn());
    }

    @Test
    void handshakeSpreadOverSeveralRecordsIsReassembled() throws Exception {
        byte[] hello = jdkClientHello("split.example", "http/1.1");
        byte[] body = Arrays.copyOfRange(hello, 5, hello.length);
        int cut = 40;
        ByteBuf two = Unpooled.buffer();
        two.writeBytes(new byte[] {22, 3, 1}).writeShort(cut).writeBytes(body, 0, cut);
        two.writeBytes(new byte[] {22, 3, 1}).writeShort(body.length - cut).writeBytes(body, cut, body.length - cut);
        ClientHello h = assertInstanceOf(ClientHelloParser.Result.Parsed.class, ClientHelloParser.parse(two)).hello();
        assertEquals("split.example", h.serverName());
    }

    @Test
    void plainHttpIsNotTls() {
        ByteBuf http = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII);
        assertInstanceOf(ClientHelloParser.Result.NotTls.class, ClientHelloParser.parse(http));
    }

    @Test
    void oversizedHelloIsMalformed() {
        ByteBuf big = Unpooled.buffer();
        big.writeBytes(new byte[] {22, 3, 1}).writeShort(4).writeByte(1).writeMedium(1 << 20);
        ClientHelloParser.Result.Malformed m = assertInstanceOf(ClientHelloParser.Result.Malformed.class, ClientHelloParser.parse(big));
        assertTrue(m.reason().contains("larger than"), m.reason());
    }

    /** Random byte flips and truncated lengths must give a verdict, never an exception. */
    @Test
    void mutatedHellosNeverThrow() throws Exception {
        byte[] hello = jdkClientHello("fuzz.example", "h2");
        Random random = new Random(42);
        int malformed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = hello.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                m[5 + random.nextInt(m.length - 5)] = (byte) random.nextInt(256);
            }
            ClientHelloParser.Result r = ClientHelloParser.parse(Unpooled.wrappedBuffer(m));
            if (r instanceof ClientHelloParser.Result.Malformed) malformed++;
        }
        assertTrue(malformed > 1000, "mutations should be caught as malformed, got " + malformed);
    }
}
