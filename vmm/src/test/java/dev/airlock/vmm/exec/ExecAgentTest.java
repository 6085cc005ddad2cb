package dev.airlock.vmm.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.testing.HostAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest exec agent and the host's {@link ExecChannel}, end to end without a VM: the agent
 * (the same C source the image builder compiles) runs on the host with a pipe pair standing in
 * for the virtio-console, and runs real commands.
 */
class ExecAgentTest {

    @TempDir
    static Path dir;
    static Path agent;

    @BeforeAll
    static void compile() throws Exception {
        agent = HostAgent.compile(dir);
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PATH", "/usr/bin:/bin");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static int run(HostAgent a, ExecRequest request) throws Exception {
        assertEquals(ExecProtocol.VERSION, a.channel.hello().get(5, TimeUnit.SECONDS));
        a.channel.start(request);
        return a.channel.exit().get(10, TimeUnit.SECONDS);
    }

    @Test
    void runsTheCommandWithItsEnvironmentFilesStdinAndExitStatus() throws Exception {
        Path ca = dir.resolve("guest/etc/airlock/ca.pem");
        try (HostAgent a = HostAgent.start(agent)) {
            a.channel.hello().get(5, TimeUnit.SECONDS);
            a.channel.start(new ExecRequest(
                    List.of("sh", "-c", "echo \"key=$API_KEY home=${HOME:-unset}\"; cat \"$CA\" >&2; cat; exit 7"),
                    env("API_KEY", "airlock-placeholder-1", "CA", ca.toString()),
                    Map.of(ca.toString(), "-----BEGIN CERTIFICATE-----\n".getBytes())));
            a.channel.stdin("from stdin".getBytes(), 0, 10);
            a.channel.closeStdin();
            assertEquals(7, a.channel.exit().get(10, TimeUnit.SECONDS));
            assertEquals("key=airlock-placeholder-1 home=unset\nfrom stdin", a.out(), "only the sent environment is visible");
            assertEquals("-----BEGIN CERTIFICATE-----\n", a.err(), "the file was written before the command ran");
            assertEquals("-----BEGIN CERTIFICATE-----\n", Files.readString(ca));
            assertTrue(a.process().waitFor(5, TimeUnit.SECONDS), "the agent exits after reporting the status");
        }
    }

    @Test
    void binaryStdinAndStdoutPassUnchanged() throws Exception {
        byte[] data = new byte[300_000];
        new Random(42).nextBytes(data);
        try (HostAgent a = HostAgent.start(agent)) {
            a.channel.hello().get(5, TimeUnit.SECONDS);
            a.channel.start(new ExecRequest(List.of("cat"), env(), Map.of()));
            a.channel.stdin(data, 0, data.length);
            a.channel.closeStdin();
            assertEquals(0, a.channel.exit().get(20, TimeUnit.SECONDS));
            assertArrayEquals(data, a.stdout.toByteArray(), "every byte value, NULs included, round-trips");
        }
    }

    @Test
    void aMissingCommandExits127WithAMessage() throws Exception {
        try (HostAgent a = HostAgent.start(agent)) {
            assertEquals(127, run(a, new ExecRequest(List.of("no-such-command-airlock"), env(), Map.of())));
            assertTrue(a.err().contains("cannot run no-such-command-airlock"), a.err());
        }
    }

    @Test
    void aForwardedSignalEndsTheCommand() throws Exception {
        try (HostAgent a = HostAgent.start(agent)) {
            a.channel.hello().get(5, TimeUnit.SECONDS);
            a.channel.start(new ExecRequest(List.of("sh", "-c", "echo ready; exec sleep 30"), env(), Map.of()));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!a.out().contains("ready") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            a.channel.signal(15);
            assertEquals(128 + 15, a.channel.exit().get(10, TimeUnit.SECONDS), "128 + SIGTERM");
        }
    }

    @Test
    void aGuestBreakingTheProtocolEndsTheChannel() {
        ExecChannel c = new ExecChannel(new ExecChannel.Output() {
            @Override
            public void stdout(byte[] bytes) {}

            @Override
            public void stderr(byte[] bytes) {}
        });
        c.fromGuest(ExecProtocol.frame(ExecProtocol.HELLO, ExecProtocol.VERSION.getBytes()));
        c.fromGuest(new byte[] {'1', 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertTrue(c.exit().isCompletedExceptionally(), "an oversized frame is refused before buffering it");
        ExecChannel d = new ExecChannel(null);
        d.fromGuest(ExecProtocol.frame(ExecProtocol.EXIT, new byte[] {1, 2}));
        assertTrue(d.exit().isCompletedExceptionally(), "a malformed exit status");
    }
}
