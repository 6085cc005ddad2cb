package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.gateway.audit.AuditLog;
import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.GatewayLimits;
import dev.airlock.gateway.support.TlsEchoServer;
import dev.airlock.gateway.tls.TlsContexts;
import dev.airlock.gateway.upstream.Resolver;
import dev.airlock.gateway.upstream.UpstreamDialer;
import dev.airlock.secrets.ca.LocalCa;
import dev.airlock.secrets.store.SecretsStore;
import dev.airlock.vmm.KvmSpeed;
import dev.airlock.vmm.image.GuestImage;
import dev.airlock.vmm.image.GuestImageBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole microVM path with a real Linux guest: the Debian kernel and airlock's initramfs
 * boot, /init configures eth0 and starts the exec agent, and busybox wget reaches a loopback
 * TLS upstream through policy with a secret injected; a denied host fails; two VMs run at once
 * in this JVM. Needs hardware-speed KVM: on a nested, software-assisted host a kernel does not
 * reach userspace in minutes, so the test measures KVM first and skips with the figure.
 */
class MicroVmBootTest {

    static final String SECRET = "sk-live-boot-test-0123456789";

    @Test
    void aCommandInAMicroVmReachesAnAllowedHostWithTheSecretInjected(@TempDir Path dir) throws Exception {
        KvmSpeed speed = KvmSpeed.probe();
        assumeTrue(speed.fastEnough(), speed.slowReason());
        GuestImage image = new GuestImageBuilder(GuestImageBuilder.Options.defaults(), System.err::println).build();

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        TlsEchoServer upstream = TlsEchoServer.start(group, dir.resolve("upstream-ca"), "api.test");
        Files.writeString(dir.resolve("key.txt"), SECRET + "\n");
        Files.writeString(dir.resolve("secrets.yaml"), """
                secrets:
                  - name: API_KEY
                    from_file: key.txt
                    hosts: ["api.test:*"]
                    placements: [header]
                """);
        LocalCa ca = LocalCa.open(dir.resolve("ca"));
        try (AuditLog audit = AuditLog.open(dir.resolve("audit.jsonl"))) {
            GatewayContext gateway = new GatewayContext(SecretsNeverInGuestRamTest.ALLOW_API_TEST,
                    new UpstreamDialer(new Resolver(pool, Map.of("api.test", List.of(InetAddress.getByName("127.0.0.1")))), 5000),
                    new TlsContexts(ca, List.of(upstream.caPem())), audit,
                    SecretsStore.open(dir.resolve("secrets.yaml"), dir.resolve("state")), GatewayLimits.DEFAULTS);
            MicroVmRunner.Settings settings = new MicroVmRunner.Settings(image, 256 << 20, 1, Duration.ofSeconds(60),
                    Duration.ofSeconds(10), false);
            String url = "https://api.test:" + upstream.port() + "/v1/models";
            CompletableFuture<Run> allowed = CompletableFuture.supplyAsync(() -> run(gateway, group, ca, settings,
                    "wget -q -O - --header \"Authorization: Bearer $API_KEY\" " + url));
            CompletableFuture<Run> denied = CompletableFuture.supplyAsync(() -> run(gateway, group, ca, settings,
                    "wget -q -O - https://denied.test/"));

            Run a = allowed.get(180, TimeUnit.SECONDS);
            assertEquals(0, a.outcome.status(), a.err + a.log);
            assertTrue(a.out.contains("Bearer " + "*".repeat(SECRET.length())), "the echoed secret is redacted: " + a.out);
            assertTrue(upstream.received.stream().anyMatch(s -> s.contains("Bearer " + SECRET)), "the upstream got the secret");
            assertTrue(a.outcome.bootToInit() != null, "the boot timer fired");
            Run d = denied.get(180, TimeUnit.SECONDS);
            assertNotEquals(0, d.outcome.status(), "a host the policy denies cannot be reached: " + d.err);
        } finally {
            upstream.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            pool.shutdownNow();
        }
    }

    record Run(MicroVmRunner.Outcome outcome, String out, String err, String log) {}

    private static Run run(GatewayContext gateway, EventLoopGroup group, LocalCa ca, MicroVmRunner.Settings settings, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.io.StringWriter log = new java.io.StringWriter();
        try {
            MicroVmRunner.Outcome o = new MicroVmRunner(gateway, group.next(), "boot-test", ca.directory().certificateFile(), settings)
                    .run(List.of("sh", "-c", script), new ByteArrayInputStream(new byte[0]), out, err, new PrintWriter(log, true));
            return new Run(o, out.toString(), err.toString(), log.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
