package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NetBuiltinsTest {
    @Test
    void contains() {
        expect("true", "net.cidr_contains", "\"10.0.0.0/8\"", "\"10.1.0.0/24\"");
        expect("false", "net.cidr_contains", "\"172.17.0.0/24\"", "\"172.17.0.0/16\"");
        expect("true", "net.cidr_contains", "\"10.0.0.0/8\"", "\"10.1.2.3\"");
        expect("false", "net.cidr_contains", "\"10.0.0.0/8\"", "\"192.168.1.1\"");
        expect("true", "net.cidr_contains", "\"2001:4860:4860::8888/32\"", "\"2001:4860:4860:1234:5678:1234:5678:8888/128\"");
        expect("false", "net.cidr_contains", "\"2001:4860::/96\"", "\"2001:4860::/32\"");
        builtinError("invalid CIDR address: not-a-cidr", "net.cidr_contains", "\"not-a-cidr\"", "\"192.168.1.67\"");
        builtinError("invalid CIDR address", "net.cidr_contains", "\"192.168.1.0/28\"", "\"not-a-cidr\"");
    }

    @Test
    void intersectsAndValid() {
        expect("true", "net.cidr_intersects", "\"192.168.1.0/25\"", "\"192.168.1.64/25\"");
        expect("false", "net.cidr_intersects", "\"192.168.1.0/24\"", "\"192.168.2.0/24\"");
        expect("true", "net.cidr_intersects", "\"fd1e:5bfe:8af3:9ddc::/64\"", "\"fd1e:5bfe:8af3:9ddc:1111::/72\"");
        expect("true", "net.cidr_is_valid", "\"192.168.1.0/24\"");
        expect("true", "net.cidr_is_valid", "\"2002::1234:abcd:ffff:c0a8:101/64\"");
        expect("false", "net.cidr_is_valid", "\"192.168.1.2\"");
        expect("false", "net.cidr_is_valid", "\"\"");
        expect("false", "net.cidr_is_valid", "\"010.0.0.1/8\"");
    }

    @Test
    void expand() {
        expectV(set("\"192.168.1.0\"", "\"192.168.1.1\"", "\"192.168.1.2\"", "\"192.168.1.3\""), "net.cidr_expand", str("192.168.1.1/30"));
        expectV(set("\"192.168.1.1\""), "net.cidr_expand", str("192.168.1.1/32"));
        builtinError("invalid CIDR address: 192.168.1.1/33", "net.cidr_expand", "\"192.168.1.1/33\"");
        builtinError("more than", "net.cidr_expand", "\"10.0.0.0/8\"");
    }

    @Test
    void containsMatches() {
        expectV(set("[\"1.1.1.0/24\",\"1.1.1.1\"]"), "net.cidr_contains_matches", str("1.1.1.0/24"), str("1.1.1.1"));
        expectV(set("[0,1]", "[1,0]"), "net.cidr_contains_matches", json("[[\"1.1.2.0/24\",1],\"1.1.1.0/24\"]"), json("[\"1.1.1.1\",\"1.1.2.1\"]"));
        expectV(set("[\"k1\",\"1.1.1.128\"]", "[\"k2\",\"1.1.1.128\"]"), "net.cidr_contains_matches",
                json("{\"k1\":\"1.1.1.1/24\",\"k2\":[\"1.1.1.2/24\",1]}"), str("1.1.1.128"));
        builtinError("operand 2: element must be string or non-empty array", "net.cidr_contains_matches",
                "[\"1.1.2.0/24\"]", "[\"1.1.1.1\", 1]");
    }

    @Test
    void merge() {
        expectV(set("\"192.0.128.0/23\""), "net.cidr_merge", json("[\"192.0.128.0/24\",\"192.0.129.0/24\"]"));
        expectV(set("\"192.0.2.112/29\""), "net.cidr_merge", json("[\"192.0.2.112/30\",\"192.0.2.116/31\",\"192.0.2.118/31\"]"));
        expectV(set("\"192.0.2.112/30\"", "\"192.0.2.116/32\"", "\"192.0.2.118/31\""), "net.cidr_merge",
                json("[\"192.0.2.112/30\",\"192.0.2.116/32\",\"192.0.2.118/31\"]"));
        expectV(set("\"192.0.2.112/31\"", "\"192.0.2.116/30\""), "net.cidr_merge", json("[\"192.0.2.112/31\",\"192.0.2.116/31\",\"192.0.2.118/31\"]"));
        expectV(set("\"0.0.0.0/0\""), "net.cidr_merge", json("[\"192.0.128.0/24\",\"0.0.0.0/0\"]"));
        expectV(set("\"::/0\""), "net.cidr_merge", json("[\"::/0\",\"::192.0.2.0/124\",\"ff00::101/128\"]"));
        expectV(set("\"192.0.2.0/23\"", "\"192.0.4.0/24\"", "\"fe80::/120\""), "net.cidr_merge",
                json("[\"fe80::/120\",\"192.0.2.0/24\",\"192.0.3.0/24\",\"192.0.4.0/25\",\"192.0.4.128/25\"]"));
        expectV(set("\"2601:600:8a80:207e::/64\""), "net.cidr_merge",
                json("[\"2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64\",\"2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128\"]"));
        expectV(set("\"192.0.2.0/24\""), "net.cidr_merge", json("[\"192.0.2.112\",\"192.0.2.116/31\",\"192.0.2.118/31\"]"));
        StringBuilder many = new StringBuilder("[\"192.0.1.254/31\"");
        for (int i = 0; i < 256; i += 16) many.append(",\"192.0.2.").append(i).append("/28\"");
        many.append(",\"192.0.3.0/28\"]");
        expectV(set("\"192.0.1.254/31\"", "\"192.0.2.0/24\"", "\"192.0.3.0/28\""), "net.cidr_merge", json(many.toString()));
        builtinError("IPv6 invalid: needs prefix length", "net.cidr_merge", "[\"2601:600:8a80:207e:a57d:7567:e2c9:e7b3\"]");
        builtinError("", "net.cidr_merge", "[\"foo\"]");
    }

    @Test
    void lookupNeedsNetworkExceptForLiterals() throws BuiltinException {
        expectV(set("\"10.0.0.0\""), "net.lookup_ip_addr", str("10.0.0.0"));
        expectV(set("\"::\""), "net.lookup_ip_addr", str("::"));
        builtinError("disabled in airlock", "net.lookup_ip_addr", "\"example.com\"");
        assertEquals(java.util.Set.of(Builtin.Flag.NETWORK), BuiltinRegistry.standard().get("net.lookup_ip_addr").flags());
    }
}
