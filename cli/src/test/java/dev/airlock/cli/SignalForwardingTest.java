package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.exec.ExecRequest;
import dev.airlock.vmm.testing.HostAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C and SIGTERM for a microVM command, against the real exec agent (the image's C source
 * compiled on the host, a pipe pair for its console): the signal reaches the command, which
 * decides its status; a command that ignores it loses its VM after the grace period; a signal
 * while the guest boots stops the VM at once. Tearing down stops the VM in the runner; here it
 * ends the agent and its command's processes and completes the "VM stopped" future.
 */
class SignalForwardingTest {

    @TempDir
    static Path dir;
    static Path agent;

    @BeforeAll
    static void compile() throws Exception {
        agent = HostAgent.compile(dir);
    }

    /** The runner's view of one command: the agent, and a VM that stops when torn down. */
    private static final class Vm implements SignalForwarding.Target {
        final HostAgent agent;
        final CompletableFuture<String> stopped = new CompletableFuture<>();
        final CompletableFuture<Object> ended;
        final List<Integer> forwarded = new CopyOnWriteArrayList<>();

        Vm(HostAgent agent) {
            this.agent = agent;
            this.ended = CompletableFuture.anyOf(agent.channel.exit(), stopped);
        }

        @Override
        public void forward(int signal) {
            forwarded.add(signal);
            agent.channel.signal(signal);
        }

        @Override
        public void tearDown(String why) {
            // Stopping a VM ends everything in it: the agent and whatever the command left running.
            agent.process().descendants().forEach(ProcessHandle::destroyForcibly);
            agent.process().destroyForcibly();
            stopped.complete(why);
        }
    }

    private static Map<String, String> env() {
        return Map.of("PATH", "/usr/bin:/bin");
    }

    private static void awaitReady(HostAgent a) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!a.out().contains("ready") && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(a.out().contains("ready"), a.out());
    }

    @Test
    void ctrlCGoesToTheCommandAndItsOwnStatusIsTheResult() throws Exception {
        try (HostAgent a = HostAgent.start(agent)) {
            Vm vm = new Vm(a);
            SignalForwarding signals = new SignalForwarding(vm, Duration.ofSeconds(10), vm.ended);
            a.channel.hello().get(10, TimeUnit.SECONDS);
            signals.start(() -> a.channel.start(new ExecRequest(
                    List.of("sh", "-c", "trap 'echo bye; exit 3' INT; echo ready; while :; do sleep 0.1; done"), env(), Map.of())));
            awaitReady(a);
            signals.received(SignalForwarding.SIGINT);
            assertEquals(3, a.channel.exit().get(10, TimeUnit.SECONDS));
            assertTrue(a.out().contains("bye"), a.out());
            assertEquals(List.of(SignalForwarding.SIGINT), vm.forwarded);
            assertFalse(vm.stopped.isDone(), "the VM was left to end by itself");
        }
    }

    @Test
    void aCommandKilledByTheSignalReportsOneHundredTwentyEightPlusIt() throws Exception {
        try (HostAgent a = HostAgent.start(agent)) {
            Vm vm = new Vm(a);
            SignalForwarding signals = new SignalForwarding(vm, Duration.ofSeconds(10), vm.ended);
            a.channel.hello().get(10, TimeUnit.SECONDS);
            signals.start(() -> a.channel.start(new ExecRequest(List.of("sh", "-c", "echo ready; exec sleep 300"), env(), Map.of())));
            awaitReady(a);
            signals.received(SignalForwarding.SIGINT);
            assertEquals(130, a.channel.exit().get(10, TimeUnit.SECONDS), "as a shell reports a job SIGINT killed");
        }
    }

    @Test
    void aCommandThatIgnoresTheSignalLosesItsVmAfterTheGracePeriod() throws Exception {
        try (HostAgent a = HostAgent.start(agent)) {
            Vm vm = new Vm(a);
            SignalForwarding signals = new SignalForwarding(vm, Duration.ofMillis(300), vm.ended);
            a.channel.hello().get(10, TimeUnit.SECONDS);
            signals.start(() -> a.channel.start(new ExecRequest(
                    List.of("sh", "-c", "trap '' TERM; echo ready; sleep 300"), env(), Map.of())));
            awaitReady(a);
            long sent = System.nanoTime();
            signals.received(SignalForwarding.SIGTERM);
            signals.received(SignalForwarding.SIGTERM);
            String why = vm.stopped.get(10, TimeUnit.SECONDS);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertTrue(waited >= 300, "waited the grace period first: " + waited + " ms");
            assertEquals("the command did not exit within 300 ms of SIGTERM", why);
            assertEquals(List.of(SignalForwarding.SIGTERM, SignalForwarding.SIGTERM), vm.forwarded, "each signal is passed on");
            assertFalse(a.channel.exit().isDone(), "the command never reported an exit");
            assertEquals(143, signals.exitStatus());
        }
    }

    @Test
    void aSignalWhileTheGuestBootsStopsTheVmAndTheCommandNeverStarts() throws Exception {
        try (HostAgent a = HostAgent.start(agent)) {
            Vm vm = new Vm(a);
            SignalForwarding signals = new SignalForwarding(vm, Duration.ofSeconds(10), vm.ended);
            signals.received(SignalForwarding.SIGINT);
            assertEquals("SIGINT before the command started", vm.stopped.get(1, TimeUnit.SECONDS));
            boolean[] ran = {false};
            signals.start(() -> ran[0] = true);
            assertFalse(ran[0], "nothing is sent to a VM being torn down");
            assertFalse(signals.started());
            assertEquals(List.of(), vm.forwarded);
            assertEquals(130, signals.exitStatus());
        }
    }
}
