package dev.airlock.netstack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.dns.DnsAnswer;
import dev.airlock.netstack.dns.DnsServer;
import dev.airlock.netstack.dns.ResolvedNames;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.netstack.packet.Ip4;
import dev.airlock.netstack.tap.TapLink;
import dev.airlock.netstack.testing.GuestNamespace;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DNS over TCP on the gateway address (RFC 1035 4.2.2, RFC 7766) against the kernel's TCP:
 * python in the namespace speaks length-prefixed DNS; UDP answers too large for 512 bytes carry
 * TC. The acceptor must never see port-53 connections to the gateway: the stack serves them.
 */
class DnsTcpKernelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GuestNamespace ns;
    private static NetStack stack;
    private static final AtomicInteger offered = new AtomicInteger();
    private static final AtomicInteger asked = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        String why = GuestNamespace.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
        ns = new GuestNamespace();
        stack = NetStack.start(StackConfig.defaults(), new TapLink(ns.tap, 1500), id -> {
            offered.incrementAndGet();
            return CompletableFuture.completedFuture(FlowVerdict.reset());
        });
        DnsServer.bind(stack, DnsTcpKernelTest::answer, new ResolvedNames(64));
    }

    @AfterAll
    static void stop() {
        if (stack != null) stack.close();
        if (ns != null) ns.close();
    }

    /** one.test: one address; many.test: 40 (more than 512 bytes hold); slow.test: 300 ms late; others NXDOMAIN. */
    private static CompletionStage<DnsAnswer> answer(String name, int type, Inet4Address guest) {
        asked.incrementAndGet();
        return switch (name) {
            case "one.test" -> CompletableFuture.completedFuture(new DnsAnswer.Addresses(List.of(Ip4.toInet(Ip4.parse("192.0.2.7"))), 60));
            case "many.test" -> {
                List<Inet4Address> all = new ArrayList<>();
                for (int i = 1; i <= 40; i++) all.add(Ip4.toInet(Ip4.parse("192.0.2." + i)));
                yield CompletableFuture.completedFuture(new DnsAnswer.Addresses(all, 60));
            }
            case "slow.test" -> CompletableFuture.supplyAsync(() -> new DnsAnswer.Addresses(List.of(Ip4.toInet(Ip4.parse("192.0.2.9"))), 60),
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
            default -> CompletableFuture.completedFuture(new DnsAnswer.NameError());
        };
    }

    private static final String CLIENT = """
            import socket, struct, json, sys, random
            GW = "198.18.0.1"
            def q(name, qid, rd=True):
                h = struct.pack(">HHHHHH", qid, 0x0100 if rd else 0, 1, 0, 0, 0)
                return h + b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\\0" + struct.pack(">HH", 1, 1)
            def parse(m):
                qid, flags, qd, an = struct.unpack(">HHHH", m[:8])
                addrs = []
                at = 12
                while m[at] != 0: at += 1 + m[at]
                at += 5
                for _ in range(an):
                    rdlen = struct.unpack(">H", m[at+10:at+12])[0]
                    addrs.append(socket.inet_ntoa(m[at+12:at+12+rdlen]))
                    at += 12 + rdlen
                return {"id": qid, "rcode": flags & 15, "tc": bool(flags & 0x200), "n": len(addrs), "first": addrs[0] if addrs else None}
            def recv_exact(s, n):
                b = b""
                while len(b) < n:
                    c = s.recv(n - len(b))
                    if not c: raise EOFError(len(b))
                    b += c
                return b
            def recv_msg(s):
                n = struct.unpack(">H", recv_exact(s, 2))[0]
                return parse(recv_exact(s, n))
            out = {}
            mode = sys.argv[1]
            if mode == "udp":
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)
                u.sendto(q("many.test", 7), (GW, 53)); m, _ = u.recvfrom(4096)
                out["udp"] = parse(m); out["udp_len"] = len(m)
            elif mode == "tcp":
                s = socket.create_connection((GW, 53), timeout=5)
                # three queries in one write (pipelined), the slow one first: answers come as they complete
                s.sendall(b"".join(struct.pack(">H", len(x)) + x for x in [q("slow.test", 1), q("one.test", 2), q("many.test", 3)]))
                got = [recv_msg(s) for _ in range(3)]
                out["order"] = [g["id"] for g in got]
                out["answers"] = {str(g["id"]): g for g in got}
                # a query split across writes, byte by byte
                m = q("nx.test", 4); m = struct.pack(">H", len(m)) + m
                for i in range(len(m)): s.send(m[i:i+1])
                out["split"] = recv_msg(s)
                s.shutdown(socket.SHUT_WR)
                out["eof"] = s.recv(1) == b""
            elif mode == "bad":
                RESP = bytearray(q("one.test", 1)); RESP[2] |= 0x80; RESP = bytes(RESP)   # QR set: never answered
                res = {}
                for label, payload in [("short_len", b"\\x00\\x05hello"), ("huge_len", b"\\xff\\xff" + b"x" * 100),
                                       ("garbage", struct.pack(">H", 40) + bytes(random.Random(1).randrange(256) for _ in range(40))),
                                       ("response", struct.pack(">H", len(RESP)) + RESP)]:
                    s = socket.create_connection((GW, 53), timeout=5)
                    s.sendall(payload)
                    try:
                        res[label] = "closed" if s.recv(100) == b"" else "answered"
                    except ConnectionResetError:
                        res[label] = "reset"
                    s.close()
                out = res
                s = socket.create_connection((GW, 53), timeout=5)   # still serving afterwards
                x = q("one.test", 9); s.sendall(struct.pack(">H", len(x)) + x)
                out["after"] = recv_msg(s)
            print(json.dumps(out))
            """;

    private static JsonNode run(String mode) throws Exception {
        GuestNamespace.Result r = ns.exec(30, "python3", "-c", CLIENT, mode);
        assertEquals(0, r.exit(), r.out() + r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void udpAnswersThatDoNotFitSetTruncation() throws Exception {
        JsonNode j = run("udp");
        assertTrue(j.get("udp").get("tc").asBoolean(), j.toString());
        assertTrue(j.get("udp_len").asInt() <= 512, j.toString());
        assertEquals(0, j.get("udp").get("rcode").asInt());
        assertTrue(stack.counters().get(Counter.DNS_TRUNCATED) >= 1);
    }

    @Test
    void tcpCarriesPipelinedQueriesAndWholeAnswers() throws Exception {
        int before = offered.get();
        JsonNode j = run("tcp");
        JsonNode a = j.get("answers");
        assertEquals(40, a.get("3").get("n").asInt(), "all 40 addresses over TCP, no TC: " + j);
        assertTrue(!a.get("3").get("tc").asBoolean(), j.toString());
        assertEquals("192.0.2.7", a.get("2").get("first").asText());
        assertEquals("192.0.2.9", a.get("1").get("first").asText());
        assertEquals(1, j.get("order").get(2).asInt(), "the slow answer comes last: " + j);
        assertEquals(3, j.get("split").get("rcode").asInt(), "NXDOMAIN for a query split into single bytes: " + j);
        assertTrue(j.get("eof").asBoolean(), "the server closes after the client's FIN: " + j);
        assertEquals(before, offered.get(), "port 53 of the gateway is never offered to the acceptor");
        assertTrue(stack.counters().get(Counter.DNS_TCP_CONNECTIONS) >= 1);
    }

    @Test
    void malformedTcpInputClosesTheConnectionAndNothingElse() throws Exception {
        long malformed = stack.counters().get(Counter.DNS_MALFORMED);
        long badLength = stack.counters().get(Counter.DNS_TCP_BAD_LENGTH);
        JsonNode j = run("bad");
        for (String k : List.of("short_len", "huge_len", "garbage", "response")) {
            assertTrue(!j.get(k).asText().equals("answered"), k + ": " + j);
        }
        assertEquals("192.0.2.7", j.get("after").get("first").asText(), j.toString());
        assertTrue(stack.counters().get(Counter.DNS_TCP_BAD_LENGTH) >= badLength + 2, stack.counters().snapshot().toString());
        assertTrue(stack.counters().get(Counter.DNS_MALFORMED) >= malformed + 1, stack.counters().snapshot().toString());
        assertEquals(0, stack.counters().get(Counter.STACK_INTERNAL_ERRORS));
        assertEquals(0, stack.counters().get(Counter.FLOW_HANDLER_ERRORS));
    }
}
