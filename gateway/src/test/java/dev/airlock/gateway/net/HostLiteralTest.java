package dev.airlock.gateway.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostLiteralTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "[::1], ::1",
        "::1, ::1",
        "[2001:DB8:0:0:0:0:0:1], 2001:db8::1",
        "[::ffff:127.0.0.1], ::ffff:127.0.0.1",
        "[::ffff:7f00:1], ::ffff:127.0.0.1",
        "[fe80:0:0:0:1:0:0:0], fe80::1:0:0:0",
    })
    void canonicalIpLiterals(String raw, String canonical) {
        HostLiteral.Ip ip = assertInstanceOf(HostLiteral.Ip.class, HostLiteral.parse(raw));
        assertEquals(canonical, ip.text());
    }

    /** Every spelling of 127.0.0.1 that inet_aton or a browser would accept, except the canonical one. */
    @ParameterizedTest
    @ValueSource(strings = {"2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1", "127.0.1", "127.0.0.1.",
        "017700000001", "0x7f.0x0.0x0.0x1", "127.000.000.001", "1.2.3.256", "00127.0.0.1"})
    void obfuscatedIpv4FormsAreRefused(String raw) {
        HostLiteral.Refused r = assertInstanceOf(HostLiteral.Refused.class, HostLiteral.parse(raw));
        assertTrue(r.reason().contains("non-canonical IP address form"), r.reason());
    }

    @ParameterizedTest
    @CsvSource({
        "Example.COM, example.com",
        "example.com., example.com",
        "bücher.example, xn--bcher-kva.example",
        "_dmarc.example.com, _dmarc.example.com",
    })
    void namesAreNormalised(String raw, String name) {
        assertEquals(name, assertInstanceOf(HostLiteral.Name.class, HostLiteral.parse(raw)).text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "exa mple.com", "-bad.example", "a..b", "foo.123", "[::1%eth0]", "[::g]", "evil.com@good.com",
        "host/path", "x.example\u0000.com"})
    void invalidHostsAreRefused(String raw) {
        assertInstanceOf(HostLiteral.Refused.class, HostLiteral.parse(raw));
    }
}
