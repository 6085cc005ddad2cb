package dev.airlock.cli.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.support.TlsEchoServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code airlock run --isolation netns} as a user runs it: a separate airlock process, real
 * curl inside the sandbox, the shipped policy with an allowlist in data, a TLS upstream on the
 * host's loopback. Checks the secret injection, fast denials, exit codes, and that nothing is
 * left behind — after a normal exit, after SIGTERM, and after an airlock that died without
 * cleaning up.
 */
class RunNetnsTest {
    private static final String SECRET = "sk-run-real-secret-abcdef0123456789";

    @TempDir
    static Path dir;

    private static EventLoopGroup group;
    private static TlsEchoServer api;

    @BeforeAll
    static void start() throws Exception {
        String why = NetnsSandbox.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
        Assumptions.assumeTrue(NetnsSandbox.which("curl") != null, "curl is not installed");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        api = TlsEchoServer.start(group, dir.resolve("api-ca"), "api.test");
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
                  {"host": "api.test", "ports": [%d], "allow_cidrs": ["127.0.0.0/8"], "secrets": ["API_KEY"]}
                ]}}}
                """.formatted(api.port()));
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (group != null) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static List<String> airlock(String... args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", cp, "dev.airlock.cli.Main", "run",
                "--data", dir.resolve("data.json").toString(), "--secrets", dir.resolve("secrets.yaml").toString(),
                "--state-dir", dir.resolve("state").toString(), "--audit", dir.resolve("audit.jsonl").toString(),
                "--ca-dir", dir.resolve("airlock-ca").toString(), "--upstream-ca", api.caPem().toString(),
                "--resolve", "api.test=127.0.0.1", "--"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(airlock(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(new File("/dev/null")).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "airlock run did not finish");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<String> ourNamespaces(long pid) throws Exception {
        return HostCommands.lines(HostCommands.run("ip", "netns", "list")).stream()
                .map(l -> l.split("\\s+")[0]).filter(n -> n.startsWith("airlock-" + pid + "-")).toList();
    }

    @Test
    void curlInsideGetsTheSecretInjectedAndTheExitCodeComesBack() throws Exception {
        api.received.clear();
        Result r = run("sh", "-c", "curl -sS --max-time 15 -H \"Authorization: Bearer $API_KEY\" https://api.test:" + api.port()
                + "/v1/models; echo; echo \"ca=$SSL_CERT_FILE\"; exit 7");
        assertEquals(7, r.exit(), r.err());
        assertTrue(r.out().contains("/v1/models"), r.out() + r.err());
        assertFalse(r.out().contains(SECRET), "the command never sees the real value");
        String upstream = api.received.poll(5, TimeUnit.SECONDS);
        assertTrue(upstream != null && upstream.contains("Bearer " + SECRET), "injected upstream: " + upstream);
        assertTrue(r.out().contains("ca=/"), r.out());
        assertTrue(Files.readString(dir.resolve("audit.jsonl")).contains("\"phase\":\"dns\""));
    }

    @Test
    void deniedHostFailsFastInside() throws Exception {
        Result r = run("sh", "-c", "s=$(date +%s%N); curl -sS --max-time 10 https://evil.example/; c=$?; e=$(date +%s%N); "
                + "echo \"curl=$c ms=$(( (e - s) / 1000000 ))\"; exit $c");
        assertEquals(6, r.exit(), r.out() + r.err());
        int ms = Integer.parseInt(r.out().replaceAll("(?s).*ms=(\\d+).*", "$1"));
        assertTrue(ms < 1000, "denied in " + ms + " ms");
    }

    @Test
    void theCommandCannotLeaveTheNamespace() throws Exception {
        Result r = run("sh", "-c", "grep CapEff /proc/self/status; ip -o link show | grep -c ': ' ; "
                + "nsenter -t 1 -n true && echo ESCAPED || echo contained");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("CapEff:\t0000000000000000"), r.out());
        assertTrue(r.out().contains("contained") && !r.out().contains("ESCAPED"), r.out());
        assertTrue(r.out().contains("\n2\n"), "only lo and eth0: " + r.out());
    }

    @Test
    void sigtermTearsEverythingDown() throws Exception {
        Process p = new ProcessBuilder(airlock("sleep", "60")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sigterm.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ourNamespaces(p.pid()).isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);
        List<String> before = ourNamespaces(p.pid());
        assertEquals(1, before.size(), Files.readString(dir.resolve("sigterm.txt")));
        Thread.sleep(500); // let it reach the command
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(List.of(), ourNamespaces(p.pid()));
        assertFalse(Files.exists(Path.of("/etc/netns", before.getFirst())));
    }

    @Test
    void staleNamespacesOfDeadAirlocksAreRemoved() throws Exception {
        long dead = 4_000_000; // above pid_max's default: never a live process
        String stale = "airlock-" + dead + "-abc123";
        HostCommands.run("ip", "netns", "add", stale);
        Files.createDirectories(Path.of("/etc/netns", stale));
        try {
            Result r = run("true");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("removed namespace " + stale), r.err());
            assertEquals(List.of(), ourNamespaces(dead));
            assertFalse(Files.exists(Path.of("/etc/netns", stale)));
        } finally {
            HostCommands.quietly("ip", "netns", "delete", stale);
            NetnsSandbox.deleteTree(Path.of("/etc/netns", stale));
        }
    }
}
