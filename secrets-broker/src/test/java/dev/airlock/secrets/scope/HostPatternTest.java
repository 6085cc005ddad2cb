package dev.airlock.secrets.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.secrets.host.HostName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPatternTest {
    private static boolean matches(String pattern, String host) {
        return HostName.parse(host).map(h -> HostPattern.parse(pattern).matchesHost(h)).orElse(false);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
        "api.example.com, api.example.com, true",
        "api.example.com, API.Example.COM, true",
        "API.EXAMPLE.COM, api.example.com, true",
        "api.example.com, api.example.com., true",
        "api.example.com., api.example.com, true",
        "api.example.com, api.example.com.., false",
        "api.example.com, api.example.com.evil.com, false",
        "api.example.com, evilapi.example.com, false",
        "api.example.com, xapi.example.com, false",
        // '*' is exactly one label, like a TLS wildcard certificate
        "*.example.com, a.example.com, true",
        "*.example.com, A.EXAMPLE.COM., true",
        "*.example.com, a.b.example.com, false",
        "*.example.com, example.com, false",
        "*.example.com, aexample.com, false",
        "*.example.com, a.example.com.evil.org, false",
        // '**' is one or more labels
        "**.example.com, a.example.com, true",
        "**.example.com, a.b.c.example.com, true",
        "**.example.com, example.com, false",
        "**.example.com, xexample.com, false",
        // IDN: config in Unicode, requests in A-labels
        "bücher.example, xn--bcher-kva.example, true",
        "*.bücher.example, shop.xn--bcher-kva.example, true",
        "xn--bcher-kva.example, XN--BCHER-KVA.example, true",
        "bücher.example, bucher.example, false",
        // IPs are compared as addresses
        "10.0.0.7, 10.0.0.7, true",
        "10.0.0.7, 10.0.0.8, false",
        "[2001:db8::7], 2001:db8:0:0:0:0:0:7, true",
        "[2001:db8::7], [2001:DB8::7], true",
        "10.0.0.7, 10.0.0.7.nip.io, false",
    })
    void hostMatching(String pattern, String host, boolean expected) {
        assertEquals(expected, matches(pattern, host));
    }

    @Test
    void requestHostsMustBeAsciiAndUnambiguous() {
        assertTrue(HostName.parse("bücher.example").isEmpty(), "a Unicode request host never matches: we compare what is dialed");
        assertTrue(HostName.parse("127.1").isEmpty(), "resolvers read this as 127.0.0.1");
        assertTrue(HostName.parse("0x7f.1").isEmpty());
        assertTrue(HostName.parse("1.2.3.04").isEmpty(), "leading zeros are octal to inet_aton");
        assertTrue(HostName.parse("a b.example").isEmpty());
        assertTrue(HostName.parse("fe80::1%25eth0").isEmpty());
    }

    @Test
    void portsDefaultToTheSchemeDefault() {
        HostPattern plain = HostPattern.parse("api.example.com");
        assertTrue(plain.matchesPort(443, 443));
        assertFalse(plain.matchesPort(8443, 443));
        assertTrue(plain.matchesPort(80, 80));
        HostPattern fixed = HostPattern.parse("api.example.com:8443");
        assertTrue(fixed.matchesPort(8443, 443));
        assertFalse(fixed.matchesPort(443, 443));
        assertTrue(HostPattern.parse("api.example.com:*").matchesPort(1234, 443));
        assertTrue(HostPattern.parse("[2001:db8::7]:8443").matchesPort(8443, 443));
        assertTrue(HostPattern.parse("[2001:db8::7]:8443").matchesHost(HostName.parse("2001:db8::7").orElseThrow()));
    }

    @Test
    void refusedPatterns() {
        for (String bad : new String[] {"*", "**", "*.com", "a.*.example.com", "*example.com", "**.com", "*.10.0.0.1", "example.com:0",
                "example.com:http", "[::1", "[::1]x", "a_b-.example.com", "straße.de"}) {
            assertThrows(IllegalArgumentException.class, () -> HostPattern.parse(bad), bad);
        }
    }
}
