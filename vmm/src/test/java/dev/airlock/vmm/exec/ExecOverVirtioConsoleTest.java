package dev.airlock.vmm.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.CountingLine;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.HostAgent;
import dev.airlock.vmm.testing.MmioDriver;
import dev.airlock.vmm.testing.TestMemory;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.console.VirtioConsole;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exec channel end to end through the device model, without a kernel: the host's
 * {@link ExecChannel} on a {@link VirtioConsole} behind virtio-mmio; on the guest side a
 * test-side virtio driver (rings in guest memory, as hvc0's driver keeps them) whose port is
 * the real exec agent, compiled from the image's C source and run on the host. Every byte
 * crosses the virtqueues both ways, including the signal frames a Ctrl-C becomes.
 */
class ExecOverVirtioConsoleTest {

    private static final long RX_BUFFERS = 0x40000;
    private static final long TX_BUFFERS = 0x80000;
    private static final int BUFFER = 4096;
    private static final int RX_POSTED = 8;

    @TempDir
    static Path dir;
    static Path agent;

    @BeforeAll
    static void compile() throws Exception {
        agent = HostAgent.compile(dir);
    }

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ExecChannel channel = new ExecChannel(new ExecChannel.Output() {
        @Override
        public void stdout(byte[] bytes) {
            synchronized (stdout) {
                stdout.writeBytes(bytes);
            }
        }

        @Override
        public void stderr(byte[] bytes) {
            synchronized (stderr) {
                stderr.writeBytes(bytes);
            }
        }
    });
    private final GuestMemory memory = TestMemory.of(1 << 20);
    private final VirtioConsole console = new VirtioConsole(channel);
    private final MmioDriver driver = new MmioDriver(new MmioTransport(console, memory, new CountingLine()), memory);
    private Process guestAgent;

    /** Starts the agent as the guest's console program and the two loops that move its bytes. */
    private void startGuest() throws IOException {
        List<DriverQueue> queues = driver.initialise(VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX, 16, 2, 0x10000);
        DriverQueue rx = queues.get(VirtioConsole.RX_QUEUE);
        DriverQueue tx = queues.get(VirtioConsole.TX_QUEUE);
        guestAgent = new ProcessBuilder(agent.toString(), "--stdio").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        OutputStream toAgent = guestAgent.getOutputStream();
        InputStream fromAgent = guestAgent.getInputStream();

        Map<Integer, Long> posted = new HashMap<>();
        for (int i = 0; i < RX_POSTED; i++) {
            long at = RX_BUFFERS + (long) i * BUFFER;
            int head = rx.chain(List.of(Buf.in(at, BUFFER)));
            posted.put(head, at);
            rx.publish(head);
        }
        driver.notifyQueue(VirtioConsole.RX_QUEUE);
        // Host -> guest: what the device wrote into receive buffers goes to the agent's stdin.
        Thread.ofPlatform().daemon().name("guest-hvc-rx").start(() -> {
            try {
                while (guestAgent.isAlive()) {
                    DriverQueue.Used u = rx.takeUsed();
                    if (u == null) {
                        Thread.sleep(1);
                        continue;
                    }
                    long at = posted.remove(u.id());
                    toAgent.write(memory.read(at, u.length()));
                    toAgent.flush();
                    int head = rx.chain(List.of(Buf.in(at, BUFFER)));
                    posted.put(head, at);
                    rx.publish(head);
                    driver.notifyQueue(VirtioConsole.RX_QUEUE);
                }
            } catch (IOException | InterruptedException ignored) {
                // the agent exited
            }
        });
        // Guest -> host: the agent's output is transmitted through the device.
        Thread.ofPlatform().daemon().name("guest-hvc-tx").start(() -> {
            byte[] buf = new byte[BUFFER];
            try {
                int n;
                while ((n = fromAgent.read(buf)) > 0) {
                    memory.write(TX_BUFFERS, buf, 0, n);
                    tx.publish(tx.chain(List.of(Buf.out(TX_BUFFERS, n))));
                    driver.notifyQueue(VirtioConsole.TX_QUEUE);
                    assertEquals(0, tx.takeUsed().length(), "the device consumed the buffer");
                }
            } catch (IOException ignored) {
                // the agent exited
            }
        });
    }

    @AfterEach
    void stopGuest() {
        if (guestAgent != null) {
            guestAgent.destroyForcibly();
        }
    }

    private static Map<String, String> env() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PATH", "/usr/bin:/bin");
        return m;
    }

    private String out() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.UTF_8);
        }
    }

    private void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!out().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(out().contains(text), "the command printed " + text + ": " + out());
    }

    /** Alive and not a zombie: a zombie has ended and only waits for its parent to reap it. */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s = Files.readString(stat);
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }

    @Test
    void aCommandRunsWithItsStdinOutputAndStatusCrossingTheQueues() throws Exception {
        startGuest();
        assertEquals(ExecProtocol.VERSION, channel.hello().get(10, TimeUnit.SECONDS));
        channel.start(new ExecRequest(List.of("sh", "-c", "echo out; echo err >&2; cat; exit 5"), env(), Map.of()));
        channel.stdin("abc".getBytes(), 0, 3);
        channel.closeStdin();
        assertEquals(5, channel.exit().get(10, TimeUnit.SECONDS));
        assertEquals("out\nabc", out());
        synchronized (stderr) {
            assertEquals("err\n", stderr.toString(StandardCharsets.UTF_8));
        }
        Map<String, Long> c = console.counters();
        assertTrue(c.get("rx_bytes") > 0 && c.get("tx_bytes") > 0, c.toString());
        assertEquals(0, c.get("rx_dropped_bytes") + c.get("tx_malformed") + c.get("rx_malformed"), c.toString());
    }

    @Test
    void ctrlCReachesTheCommandWhichDecidesHowToEnd() throws Exception {
        startGuest();
        channel.hello().get(10, TimeUnit.SECONDS);
        channel.start(new ExecRequest(List.of("sh", "-c",
                "trap 'echo cleaning up; exit 3' INT; echo ready; while :; do sleep 0.1; done"), env(), Map.of()));
        awaitOutput("ready");
        channel.signal(2);
        assertEquals(3, channel.exit().get(10, TimeUnit.SECONDS), "the command's own status, as a shell reports it");
        assertTrue(out().contains("cleaning up"), out());
    }

    @Test
    void aSignalEndsTheCommandsWholeProcessGroupAndReportsIt() throws Exception {
        startGuest();
        channel.hello().get(10, TimeUnit.SECONDS);
        channel.start(new ExecRequest(List.of("sh", "-c", "sleep 300 & echo child=$!; wait"), env(), Map.of()));
        awaitOutput("\n");
        long child = Long.parseLong(out().replaceAll("(?s).*child=(\\d+).*", "$1"));
        assertTrue(running(child), "the background job runs");
        channel.signal(15);
        assertEquals(128 + 15, channel.exit().get(10, TimeUnit.SECONDS), "128 + SIGTERM");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running(child) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(running(child), "the background job got the signal too");
    }
}
