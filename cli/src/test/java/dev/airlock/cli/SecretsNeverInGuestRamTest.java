package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.airlock.gateway.audit.AuditLog;
import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.decision.EgressDecider;
import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.GatewayLimits;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.net.Cidr;
import dev.airlock.gateway.sandbox.SandboxNetwork;
import dev.airlock.gateway.tls.TlsContexts;
import dev.airlock.gateway.upstream.Resolver;
import dev.airlock.gateway.upstream.UpstreamDialer;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.tap.TapLink;
import dev.airlock.netstack.testing.GuestNamespace;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.secrets.ca.LocalCa;
import dev.airlock.secrets.store.SecretsStore;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.virtio.net.NetstackPort;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Architecture invariant 3 on the microVM data path: a sandboxed program sends a request
 * carrying a secret's placeholder, airlock injects the real secret on the way upstream, the
 * upstream echoes the secret back, and afterwards the whole guest RAM segment is scanned: the
 * placeholder is there (the traffic really crossed guest memory, in clear — plain HTTP is
 * used so the scan can see the bytes), the secret is not, neither raw nor base64-encoded.
 *
 * <p>A Linux guest cannot boot on nested, software-assisted KVM in test time, so the guest's
 * TCP/IP stack and curl are the Linux kernel in a network namespace, and its NIC is airlock's
 * virtio-net device over a real {@link GuestMemory} mapping, driven by the test-side virtio
 * driver ({@link KernelGuestDriver}). Needs root, /dev/net/tun, ip and curl; skipped otherwise.
 */
class SecretsNeverInGuestRamTest {

    static final String SECRET = "sk-live-4f7b1c9e2d8a6b3f0e5c7a9d";

    @Test
    void theSecretNeverEntersGuestMemory(@TempDir Path dir) throws Exception {
        String reason = GuestNamespace.unavailableReason();
        assumeTrue(reason == null, reason);
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed (apt-get install curl)");

        BlockingQueue<String> upstreamSaw = new LinkedBlockingQueue<>();
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            upstreamSaw.add(String.valueOf(auth));
            byte[] body = ("{\"you_sent\":\"" + auth + "\"}\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        upstream.start();

        Files.writeString(dir.resolve("key.txt"), SECRET + "\n");
        Files.writeString(dir.resolve("secrets.yaml"), """
                secrets:
                  - name: API_KEY
                    from_file: key.txt
                    hosts: ["api.test:*"]
                    schemes: [http]
                    placements: [header]
                """);
        SecretsStore secrets = SecretsStore.open(dir.resolve("secrets.yaml"), dir.resolve("state"));
        String placeholder = secrets.current().placeholders().get("API_KEY");
        assertNotNull(placeholder);

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService resolverPool = Executors.newFixedThreadPool(1);
        AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"));
        GatewayContext gateway = new GatewayContext(ALLOW_API_TEST,
                new UpstreamDialer(new Resolver(resolverPool, Map.of("api.test", List.of(InetAddress.getByName("127.0.0.1")))), 5000),
                new TlsContexts(LocalCa.open(dir.resolve("ca")), List.of()), audit, secrets, GatewayLimits.DEFAULTS);

        Path netnsResolv = null;
        GuestMemory memory = GuestMemory.allocate(16 << 20);
        try (GuestNamespace ns = new GuestNamespace()) {
            // `ip netns exec` bind-mounts /etc/netns/NAME/resolv.conf: the guest's DNS is airlock's.
            netnsResolv = Path.of("/etc/netns", ns.name, "resolv.conf");
            Files.createDirectories(netnsResolv.getParent());
            Files.writeString(netnsResolv, "nameserver " + GuestNamespace.GATEWAY + "\n");

            NetstackPort port = new NetstackPort(1500);
            try (SandboxNetwork network = SandboxNetwork.start(gateway, new Source("microvm", "vm-secrets-test", Map.of()),
                    StackConfig.defaults(), port, group.next());
                 KernelGuestDriver guest = new KernelGuestDriver(memory, new byte[] {2, 0, 0, 0, 0, 9}, port,
                         new TapLink(ns.tap, 1500))) {
                GuestNamespace.Result r = ns.exec(30, "curl", "-sS", "--max-time", "20",
                        "-H", "Authorization: Bearer " + placeholder,
                        "http://api.test:" + upstream.getAddress().getPort() + "/v1/echo");
                assertEquals(0, r.exit(), "curl through the virtio-net device: " + r.err());
                assertEquals("Bearer " + SECRET, upstreamSaw.poll(5, TimeUnit.SECONDS), "the upstream got the real secret");
                assertTrue(r.out().contains("Bearer " + "*".repeat(SECRET.length())), "the echo came back redacted: " + r.out());
                assertTrue(guest.net.counters().get("tx_frames") > 5 && guest.net.counters().get("rx_frames") > 5,
                        "the exchange went through the device: " + guest.net.counters());

                byte[] ram = memory.read(0, (int) memory.size());
                assertTrue(contains(ram, placeholder.getBytes(StandardCharsets.US_ASCII)),
                        "positive control: the placeholder the guest sent is in guest RAM, so the scan sees the traffic");
                assertTrue(contains(ram, "you_sent".getBytes(StandardCharsets.US_ASCII)),
                        "positive control: the upstream's response is in guest RAM");
                assertFalse(contains(ram, SECRET.getBytes(StandardCharsets.US_ASCII)), "the secret is not in guest RAM");
                for (String encoded : List.of(Base64.getEncoder().encodeToString(SECRET.getBytes()),
                        Base64.getEncoder().encodeToString(("x" + SECRET).getBytes()).substring(4),
                        Base64.getEncoder().encodeToString(("xx" + SECRET).getBytes()).substring(4))) {
                    // Three alignments: a base64 copy of the secret at any offset contains one of these.
                    String core = encoded.substring(0, encoded.length() - 4);
                    assertFalse(contains(ram, core.getBytes(StandardCharsets.US_ASCII)), "no base64 form of the secret in guest RAM");
                }
                assertTrue(Files.readString(dir.resolve("audit.jsonl")).contains("\"secrets_injected\":[\"API_KEY\"]"),
                        "the injection is audited");
                assertFalse(Files.readString(dir.resolve("audit.jsonl")).contains(SECRET), "the audit log never holds the value");
                System.out.println("curl through the device took " + r.millis() + " ms");
            }
        } finally {
            if (netnsResolv != null) {
                Files.deleteIfExists(netnsResolv);
                Files.deleteIfExists(netnsResolv.getParent());
            }
            memory.close();
            upstream.stop(0);
            audit.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            resolverPool.shutdownNow();
        }
    }

    /** api.test is allowed, on loopback (where the test upstream runs), and inspected; all else denied. */
    static final EgressDecider ALLOW_API_TEST = input -> {
        String phase = ((StringValue) input.get("phase")).value();
        String host = phase.equals("dns")
                ? ((StringValue) ((ObjectValue) input.get("dns")).get("name")).value()
                : ((StringValue) ((ObjectValue) input.get("destination")).get("host")).value();
        boolean allow = host.equals("api.test");
        return CompletableFuture.completedFuture(new Decision(allow, allow ? "api.test is allowed" : host + " is not allowed",
                "id-" + phase, "rev-1", List.of(Cidr.parse("127.0.0.0/8")), Decision.TlsMode.INSPECT, null));
    };

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (hay[i] != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
