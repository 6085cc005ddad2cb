package dev.airlock.gateway.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationGuardTest {
    private static InetAddress ip(String text) {
        return ((HostLiteral.Ip) HostLiteral.parse(text)).address();
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, loopback", "::1, loopback", "10.1.2.3, private", "172.31.255.255, private", "192.168.0.1, private",
        "169.254.169.254, metadata", "fd00:ec2::254, metadata", "169.254.1.1, link-local", "fe80::1, link-local",
        "100.64.0.1, cgnat", "fd12::1, unique-local", "224.0.0.1, multicast", "ff02::1, multicast",
        "0.0.0.0, unspecified", "::, unspecified", "::ffff:8.8.8.8, ipv4-mapped", "64:ff9b::7f00:1, ipv4-embedding",
        "2002:7f00:1::, ipv4-embedding", "255.255.255.255, reserved",
    })
    void specialAddressesAreRefusedByDefault(String address, String label) {
        DestinationGuard.Refusal r = DestinationGuard.check(ip(address), List.of());
        assertNotNull(r, address);
        assertEquals(label, r.addressClass().label());
        assertTrue(r.reason().contains(label), r.reason());
    }

    @ParameterizedTest
    @CsvSource({"8.8.8.8", "1.1.1.1", "2606:4700::1111", "172.32.0.1", "100.128.0.1"})
    void publicAddressesPass(String address) {
        assertNull(DestinationGuard.check(ip(address), List.of()));
    }

    @Test
    void allowCidrsOpenExactlyTheirRange() {
        List<Cidr> allow = List.of(Cidr.parse("127.0.0.0/8"));
        assertNull(DestinationGuard.check(ip("127.5.6.7"), allow));
        assertNotNull(DestinationGuard.check(ip("10.0.0.1"), allow));
        assertNotNull(DestinationGuard.check(ip("::1"), allow), "an IPv4 range must not open IPv6 loopback");
        assertNotNull(DestinationGuard.check(ip("::ffff:127.0.0.1"), allow), "nor its v4-mapped form");
    }

    @Test
    void metadataNeedsAnExactEntry() {
        assertNotNull(DestinationGuard.check(ip("169.254.169.254"), List.of(Cidr.parse("169.254.0.0/16"))));
        assertNull(DestinationGuard.check(ip("169.254.169.254"), List.of(Cidr.parse("169.254.169.254/32"))));
    }

    @Test
    void cidrParsingAndContainment() {
        Cidr c = Cidr.parse("10.0.0.0/8");
        assertTrue(c.contains(ip("10.255.0.1")));
        assertFalse(c.contains(ip("11.0.0.1")));
        assertEquals("10.0.0.0/8", Cidr.parse("10.9.9.9/8").toString());
        assertTrue(Cidr.parse("fc00::/7").containsPrefix(Cidr.parse("fd00::/8")));
        for (String bad : new String[] {"10.0.0.0/33", "10.0.0.0/x", "example.com/8", "0x7f.1/8"}) {
            try {
                Cidr.parse(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains(bad.split("/")[0]) || expected.getMessage().contains(bad));
            }
        }
    }
}
