package dev.airlock.gateway.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.gateway.Gateway;
import dev.airlock.gateway.flow.GatewayLimits;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.support.TlsEchoServer;
import dev.airlock.netstack.Counter;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.tap.TapLink;
import dev.airlock.netstack.testing.GuestNamespace;
import dev.airlock.policy.ReloadingEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sandbox flows end to end against the Linux kernel: a network namespace behind a TAP device
 * is the guest, its resolv.conf points at the stack, and real curl, python3 and busybox run
 * inside it. The gateway runs the shipped Rego policy with an allowlist in data, its own CA,
 * a secrets file and an audit log; upstreams are real servers on the host's loopback, opened
 * only through the allowlist entries' {@code allow_cidrs}.
 */
class SandboxKernelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "sk-sandbox-real-secret-0123456789";

    @TempDir
    static Path dir;

    private static GuestNamespace ns;
    private static Gateway gateway;
    private static SandboxNetwork sandbox;
    private static TlsEchoServer api;
    private static Channel bulk;
    private static String placeholder;
    private static Path resolvConf;

    @BeforeAll
    static void start() throws Exception {
        String why = GuestNamespace.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
        ns = new GuestNamespace();
        // ip netns exec bind-mounts /etc/netns/NAME/* over /etc: the guest's resolver asks the stack.
        resolvConf = Path.of("/etc/netns", ns.name, "resolv.conf");
        Files.createDirectories(resolvConf.getParent());
        Files.writeString(resolvConf, "nameserver " + GuestNamespace.GATEWAY + "\noptions timeout:2 attempts:2\n");

        Path root = Path.of(System.getProperty("airlock.root", "..")).toAbsolutePath();
        Path policy = root.resolve("rego/airlock/egress.rego");
        io.netty.channel.EventLoopGroup serverGroup = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        api = TlsEchoServer.start(serverGroup, dir.resolve("api-ca"), "api.test", HostAliases.HOST_NAME);
        bulk = echoServer(serverGroup);
        int bulkPort = ((InetSocketAddress) bulk.localAddress()).getPort();
        Files.writeString(dir.resolve("key.txt"), SECRET + "\n");
        Files.writeString(dir.resolve("secrets.yaml"), """
                secrets:
                  - name: API_KEY
                    from_file: key.txt
                    hosts: ["api.test:*"]
                    placements: [header]
                """);
        Files.writeString(dir.resolve("data.json"), """
                {"airlock": {"config": {"allow": [
                  {"host": "api.test", "ports": [%1$d], "allow_cidrs": ["127.0.0.0/8"], "secrets": ["API_KEY"]},
                  {"host": "host.airlock.internal", "ports": [%1$d], "allow_cidrs": ["127.0.0.0/8"]},
                  {"host": "bulk.test", "ports": [%2$d], "tls": "passthrough", "allow_cidrs": ["127.0.0.0/8"]},
                  {"host": "public.test"},
                  {"host": "many.test"}
                ]}}}
                """.formatted(api.port(), bulkPort));
        gateway = Gateway.open(new Gateway.Options(ReloadingEngine.open(List.of(policy), List.of(dir.resolve("data.json")), false),
                false, "airlock/egress/decision", dir.resolve("secrets.yaml"), dir.resolve("state"), dir.resolve("audit.jsonl"),
                dir.resolve("airlock-ca"), List.of(api.caPem()), null,
                Map.of("api.test", List.of(InetAddress.getLoopbackAddress()),
                        "bulk.test", List.of(InetAddress.getLoopbackAddress()),
                        "public.test", List.of(InetAddress.getByName("192.0.2.80")),
                        "many.test", manyAddresses()),
                GatewayLimits.DEFAULTS), new PrintStream(System.err));
        placeholder = gateway.context().secrets().current().placeholders().get("API_KEY");
        sandbox = SandboxNetwork.start(gateway.context(), new Source("sandbox-test", "netns-test", Map.of()),
                StackConfig.defaults(), new TapLink(ns.tap, 1500), gateway.group().next());
    }

    @AfterAll
    static void stop() throws Exception {
        if (sandbox != null) sandbox.close();
        if (gateway != null) gateway.close();
        if (api != null) api.close();
        if (bulk != null) bulk.close();
        if (ns != null) ns.close();
        if (resolvConf != null) {
            Files.deleteIfExists(resolvConf);
            Files.deleteIfExists(resolvConf.getParent());
        }
    }

    private static GuestNamespace.Result curl(String... args) throws Exception {
        String[] cmd = new String[args.length + 6];
        cmd[0] = "curl";
        cmd[1] = "-sS";
        cmd[2] = "--max-time";
        cmd[3] = "15";
        cmd[4] = "--cacert";
        cmd[5] = gateway.context().tls().ca().directory().certificateFile().toString();
        System.arraycopy(args, 0, cmd, 6, args.length);
        return ns.exec(30, cmd);
    }

    @Test
    void curlOverHttpsGetsTheSecretInjectedAndTheEchoRedacted() throws Exception {
        api.received.clear();
        GuestNamespace.Result r = curl("-H", "Authorization: Bearer " + placeholder, "https://api.test:" + api.port() + "/v1/models");
        assertEquals(0, r.exit(), r.err());
        String upstreamSaw = api.received.poll(5, TimeUnit.SECONDS);
        assertTrue(upstreamSaw.contains("Bearer " + SECRET), "the real secret went upstream: " + upstreamSaw);
        assertFalse(r.out().contains(SECRET), "the guest never sees the real value: " + r.out());
        assertTrue(r.out().contains("/v1/models"), r.out());
        List<String> audit = Files.readAllLines(dir.resolve("audit.jsonl"));
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"phase\":\"dns\"") && l.contains("\"host\":\"api.test\"") && l.contains("\"allow\":true")), String.join("\n", audit));
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"phase\":\"connect\"") && l.contains("\"host\":\"api.test\"") && l.contains("\"ip\":\"127.0.0.1\"")), String.join("\n", audit));
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"phase\":\"request\"") && l.contains("API_KEY")), String.join("\n", audit));
        assertTrue(audit.stream().noneMatch(l -> l.contains(SECRET)));
    }

    @Test
    void hostAirlockInternalReachesTheHostsLoopback() throws Exception {
        GuestNamespace.Result r = curl("https://" + HostAliases.HOST_NAME + ":" + api.port() + "/health");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("/health"), r.out());
    }

    @Test
    void deniedNamesAndUnresolvedAddressesFailFast() throws Exception {
        long t0 = System.nanoTime();
        GuestNamespace.Result denied = curl("https://evil.example/");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(6, denied.exit(), "curl: could not resolve host — " + denied.err());
        assertTrue(ms < 1000, "denied in " + ms + " ms");
        // An address the sandbox never resolved through airlock is an IP literal to the policy: refused.
        JsonNode literal = JSON.readTree(ns.python(20, "connect", "192.0.2.80", "443").out());
        assertFalse(literal.get("connected").asBoolean());
        assertEquals("ECONNREFUSED", literal.get("errno").asText(), literal.toString());
        assertTrue(literal.get("seconds").asDouble() < 1.0, literal.toString());
        // The DNS denial is on record: the name was refused before any lookup.
        assertTrue(Files.readAllLines(dir.resolve("audit.jsonl")).stream()
                .anyMatch(l -> l.contains("\"phase\":\"dns\"") && l.contains("evil.example") && l.contains("\"allow\":false")));
    }

    @Test
    void dnsAnswersThroughBusyboxAndGetaddrinfo() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/busybox")) || Files.isExecutable(Path.of("/bin/busybox")),
                "busybox-static is not installed (bin/lib/test-packages.txt)");
        GuestNamespace.Result ok = ns.exec(20, "busybox", "nslookup", "-type=a", "public.test", GuestNamespace.GATEWAY);
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("192.0.2.80"), ok.out());
        GuestNamespace.Result nx = ns.exec(20, "busybox", "nslookup", "-type=a", "evil.example", GuestNamespace.GATEWAY);
        assertTrue(nx.out().contains("NXDOMAIN") || nx.err().contains("NXDOMAIN"), nx.out() + nx.err());
        GuestNamespace.Result py = ns.exec(20, "python3", "-c", """
                import socket, json
                ok = sorted({a[4][0] for a in socket.getaddrinfo("public.test", 443, proto=socket.IPPROTO_TCP)})
                try:
                    socket.getaddrinfo("evil.example", 443)
                    denied = "resolved"
                except socket.gaierror as e:
                    denied = e.errno
                loop = sorted({a[4][0] for a in socket.getaddrinfo("api.test", 443, socket.AF_INET)})
                print(json.dumps({"ok": ok, "denied": denied, "loop": loop}))
                """);
        assertEquals(0, py.exit(), py.err());
        JsonNode j = JSON.readTree(py.out());
        assertEquals("[\"192.0.2.80\"]", j.get("ok").toString(), "AAAA is empty, so only the IPv4 answer: " + j);
        assertEquals(socketEaiNoname(), j.get("denied").asInt(), j.toString());
        assertTrue(j.get("loop").get(0).asText().startsWith("198.19.255."), "loopback answers become aliases: " + j);
        assertTrue(sandbox.stack().counters().get(Counter.DNS_NXDOMAIN) >= 2);
    }

    /** 40 documentation addresses: more A records than a 512-byte UDP answer holds. */
    private static List<InetAddress> manyAddresses() throws Exception {
        List<InetAddress> all = new java.util.ArrayList<>();
        for (int i = 1; i <= 40; i++) all.add(InetAddress.getByName("192.0.2." + (100 + i)));
        return all;
    }

    @Test
    void dnsOverTcpWithDigIsDecidedAuditedAndRemembered() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dig")), "dnsutils (dig) is not installed (bin/lib/test-packages.txt)");
        // dig +tcp: the policy decision, resolution and audit of the UDP path, over TCP
        GuestNamespace.Result ok = ns.exec(20, "dig", "+tcp", "+short", "+tries=1", "+time=5", "@" + GuestNamespace.GATEWAY, "public.test", "A");
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertEquals("192.0.2.80", ok.out().strip());
        GuestNamespace.Result nx = ns.exec(20, "dig", "+tcp", "+tries=1", "+time=5", "@" + GuestNamespace.GATEWAY, "tcp-evil.example", "A");
        assertTrue(nx.out().contains("status: NXDOMAIN"), nx.out());
        assertTrue(Files.readAllLines(dir.resolve("audit.jsonl")).stream()
                .anyMatch(l -> l.contains("\"phase\":\"dns\"") && l.contains("tcp-evil.example") && l.contains("\"allow\":false")));
        // 40 addresses do not fit 512 bytes: UDP says TC, and dig (like glibc) retries over TCP and gets them all
        GuestNamespace.Result udpOnly = ns.exec(20, "dig", "+ignore", "+notcp", "+tries=1", "+time=5", "@" + GuestNamespace.GATEWAY, "many.test", "A");
        assertTrue(udpOnly.out().contains(" tc ") || udpOnly.out().contains(" tc;"), udpOnly.out());
        GuestNamespace.Result retried = ns.exec(20, "dig", "+short", "+tries=1", "+time=5", "@" + GuestNamespace.GATEWAY, "many.test", "A");
        assertEquals(40, retried.out().strip().lines().count(), retried.out());
        // names answered over TCP are remembered for the L4 decision like UDP answers
        assertEquals("many.test", sandbox.names().nameFor(InetAddress.getByName("192.0.2.140"), System.nanoTime() / 1_000_000));
        assertTrue(sandbox.stack().counters().get(Counter.DNS_TCP_CONNECTIONS) >= 3);
        assertTrue(sandbox.stack().counters().get(Counter.DNS_TRUNCATED) >= 1);
    }

    private static int socketEaiNoname() {
        return -2; // EAI_NONAME in glibc
    }

    @Test
    void manyConcurrentConnectionsThroughTheRelay() throws Exception {
        int count = 200;
        JsonNode all = JSON.readTree(ns.python(120, "echo", "bulk.test", port(bulk), Integer.toString(32 * 1024),
                Integer.toString(count), "5").out());
        assertEquals(count, all.size());
        for (JsonNode r : all) {
            assertTrue(r.get("error").isNull(), r.toString());
            assertEquals(r.get("sent").asText(), r.get("received").asText(), r.toString());
        }
    }

    @Test
    void largeTransferBothWaysWithChecksums() throws Exception {
        boolean long_ = "1".equals(System.getenv("AIRLOCK_LONG_TESTS"));
        long size = long_ ? 1L << 30 : 256L << 20;
        GuestNamespace.Result res = ns.python(long_ ? 600 : 240, "echo", "bulk.test", port(bulk), Long.toString(size), "1", "11");
        assertEquals(0, res.exit(), res.err());
        JsonNode r = JSON.readTree(res.out()).get(0);
        assertTrue(r.get("error").isNull(), r.toString());
        assertEquals(size, r.get("bytes").asLong());
        assertEquals(r.get("sent").asText(), r.get("received").asText());
        System.out.printf("%d MiB up and down through the sandbox relay: %.1f s%n", size >> 20, r.get("seconds").asDouble());
    }

    @Test
    void halfCloseIsPassedThroughTheRelay() throws Exception {
        JsonNode r = JSON.readTree(ns.python(30, "half-close", "bulk.test", port(bulk), "100000").out());
        assertEquals(100000, r.get("reply").asText().length(), "the whole echo arrived after the guest's FIN");
    }

    private static String port(Channel server) {
        return Integer.toString(((InetSocketAddress) server.localAddress()).getPort());
    }

    /** A plain TCP echo server on loopback that honours half-close (echo, then FIN after the client's FIN). */
    private static Channel echoServer(io.netty.channel.EventLoopGroup group) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.write(msg);
                                if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                            }

                            @Override
                            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                                if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
                            }

                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof ChannelInputShutdownEvent) {
                                    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                                            .addListener(f -> ((SocketChannel) ctx.channel()).shutdownOutput()
                                                    .addListener(g -> ctx.close()));
                                }
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }
}
