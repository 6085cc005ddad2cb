package dev.airlock.cli;

import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.sandbox.SandboxNetwork;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.packet.Ip4;
import dev.airlock.vmm.MicroVm;
import dev.airlock.vmm.MicroVmConfig;
import dev.airlock.vmm.boot.BootFile;
import dev.airlock.vmm.boot.CpuidFilter;
import dev.airlock.vmm.exec.ExecChannel;
import dev.airlock.vmm.exec.ExecRequest;
import dev.airlock.vmm.image.GuestImage;
import dev.airlock.vmm.vcpu.VcpuStop;
import dev.airlock.vmm.virtio.console.VirtioConsole;
import dev.airlock.vmm.virtio.net.NetstackPort;
import dev.airlock.vmm.virtio.net.VirtioNet;
import dev.airlock.vmm.virtio.rng.VirtioRng;
import io.netty.channel.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one command in a fresh microVM whose only network is airlock: the guest's virtio-net is
 * joined ({@link NetstackPort}) to a netstack whose flows and DNS go through the gateway
 * ({@link SandboxNetwork}); the command, its environment (secret placeholders, CA variables)
 * and stdin travel over the exec channel on virtio-console; the VM is torn down when the
 * command ends. Each instance is independent, so several VMs can run in one JVM.
 */
final class MicroVmRunner {

    /** Exit status when the sandbox itself failed, as for netns isolation ({@link RunCommand#FAILED}). */
    static final int SANDBOX_FAILED = RunCommand.FAILED;
    static final String GUEST_CA = "/etc/airlock/ca.pem";
    static final String GUEST_TRUST_STORE = "/etc/ssl/certs/ca-certificates.crt";
    /** Console output kept to explain a failed boot. */
    private static final int CONSOLE_TAIL = 64 << 10;

    /**
     * @param memoryBytes      guest RAM
     * @param stopTimeout      how long the command has to exit after the first SIGINT/SIGTERM before the VM is stopped
     * @param consoleToStderr  copy the guest's serial console to stderr (--verbose)
     */
    record Settings(GuestImage image, long memoryBytes, int cpus, Duration bootTimeout, Duration stopTimeout,
                    boolean consoleToStderr) {}

    /** What one run measured, for `run` and the boot benchmark. */
    record Outcome(int status, Duration bootToInit, Duration bootToAgent, Duration total, String consoleTail) {}

    private final GatewayContext gateway;
    private final EventLoop loop;
    private final String agent;
    private final Path caPem;
    private final Settings settings;

    /** @param agent the agent name policy and the audit log see for this sandbox */
    MicroVmRunner(GatewayContext gateway, EventLoop loop, String agent, Path caPem, Settings settings) {
        this.gateway = gateway;
        this.loop = loop;
        this.agent = agent;
        this.caPem = caPem;
        this.settings = settings;
    }

    /** The kernel command line: serial console, reset through the i8042, the guest's addresses. */
    static String cmdline(StackConfig net) {
        return "console=ttyS0 reboot=k panic=-1 quiet pci=off i8042.noaux i8042.nomux i8042.dumbkbd no_timer_check"
                + " airlock.ip=" + Ip4.format(net.guestIp()) + "/24 airlock.gw=" + Ip4.format(net.gatewayIp())
                + " airlock.dns=" + Ip4.format(net.gatewayIp());
    }

    /**
     * The command's environment: a fixed PATH and HOME, every secret's placeholder under the
     * secret's name, and the variables common tools read to find a CA bundle.
     */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        env.put("HOME", "/root");
        env.put("TERM", "dumb");
        if (gateway.secrets() != null) {
            env.putAll(gateway.secrets().current().placeholders());
        }
        for (String v : List.of("SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "GIT_SSL_CAINFO")) {
            env.put(v, GUEST_TRUST_STORE);
        }
        env.put("NODE_EXTRA_CA_CERTS", GUEST_CA);
        env.put("AIRLOCK_CA", GUEST_CA);
        return env;
    }

    /**
     * airlock's CA, and a trust store of airlock's CA plus the host's public roots (for hosts
     * that policy passes through without interception).
     */
    Map<String, byte[]> files() throws IOException {
        byte[] ca = Files.readAllBytes(caPem);
        ByteArrayOutputStream store = new ByteArrayOutputStream();
        store.writeBytes(ca);
        Path hostStore = Path.of(GUEST_TRUST_STORE);
        if (Files.isReadable(hostStore)) {
            store.writeBytes("\n".getBytes(StandardCharsets.US_ASCII));
            store.writeBytes(Files.readAllBytes(hostStore));
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(GUEST_CA, ca);
        files.put(GUEST_TRUST_STORE, store.toByteArray());
        return files;
    }

    Outcome run(List<String> command, InputStream stdin, OutputStream out, OutputStream err, java.io.PrintWriter log)
            throws Exception {
        long started = System.nanoTime();
        String vmId = "vm-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt());
        StackConfig net = StackConfig.defaults();
        ConsoleTail console = new ConsoleTail(settings.consoleToStderr() ? System.err : null);
        ExecChannel channel = new ExecChannel(new ExecChannel.Output() {
            @Override
            public void stdout(byte[] bytes) {
                write(out, bytes);
            }

            @Override
            public void stderr(byte[] bytes) {
                write(err, bytes);
            }
        });
        NetstackPort port = new NetstackPort(1500);
        byte[] mac = {0x02, (byte) 0xa1, 0x0c, 0, 0, 0x02};
        VirtioConsole hvc = new VirtioConsole(channel);
        MicroVmConfig config = new MicroVmConfig(settings.memoryBytes(), settings.cpus(),
                BootFile.read(settings.image().kernel()), BootFile.read(settings.image().initramfs()),
                cmdline(net), CpuidFilter.NESTED_SAFE, console,
                List.of(new VirtioNet(mac, port), hvc, new VirtioRng()));
        ExecRequest request = new ExecRequest(command, environment(), files());

        try (SandboxNetwork network = SandboxNetwork.start(gateway, new Source(agent, vmId, Map.of()), net, port, loop);
             MicroVm vm = MicroVm.create(config)) {
            CompletableFuture<VcpuStop> stopped = vm.start();
            CompletableFuture<Object> ended = CompletableFuture.anyOf(channel.exit(), stopped);
            SignalForwarding signals = new SignalForwarding(new SignalForwarding.Target() {
                @Override
                public void forward(int signal) {
                    channel.signal(signal);
                }

                @Override
                public void tearDown(String why) {
                    vm.requestStop(why);
                }
            }, settings.stopTimeout(), ended);
            try (TerminalSignals handlers = TerminalSignals.install(signals::received)) {
                try {
                    CompletableFuture.anyOf(channel.hello(), stopped).get(settings.bootTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    vm.requestStop("boot timeout");
                    log.println("airlock run: the guest did not start its exec agent within " + settings.bootTimeout().toSeconds()
                            + " s (" + dev.airlock.vmm.KvmSpeed.probe().describe() + ")");
                    return failed(console, started, vm, log);
                }
                if (signals.firstSignal() != 0) {
                    return interrupted(signals, started, vm, log, console);
                }
                if (!channel.hello().isDone() || channel.hello().isCompletedExceptionally()) {
                    log.println("airlock run: the VM stopped before its exec agent started: " + stopped.getNow(null));
                    return failed(console, started, vm, log);
                }
                Duration toAgent = Duration.ofNanos(System.nanoTime() - started);
                signals.start(() -> channel.start(request));
                if (!signals.started()) {
                    return interrupted(signals, started, vm, log, console);
                }
                pumpStdin(stdin, channel, hvc);
                int status;
                try {
                    ended.get();
                    if (!channel.exit().isDone()) {
                        if (signals.firstSignal() != 0) {
                            return interrupted(signals, started, vm, log, console);
                        }
                        log.println("airlock run: the VM stopped before the command finished: " + stopped.getNow(null));
                        return failed(console, started, vm, log);
                    }
                    status = channel.exit().get();
                } catch (ExecutionException e) {
                    log.println("airlock run: " + e.getCause().getMessage());
                    vm.requestStop("exec protocol violation");
                    return failed(console, started, vm, log);
                }
                if (channel.failure() != null) {
                    log.println("airlock run: " + channel.failure());
                }
                try {
                    stopped.get(2, TimeUnit.SECONDS); // the guest resets itself once the agent returns
                } catch (TimeoutException e) {
                    vm.requestStop("command finished");
                }
                return new Outcome(status, vm.bootTimer().initReached().getNow(null), toAgent,
                        Duration.ofNanos(System.nanoTime() - started), console.tail());
            }
        }
    }

    /** A signal ended the run by stopping the VM: the status a shell gives a job the signal killed. */
    private static Outcome interrupted(SignalForwarding signals, long started, MicroVm vm, java.io.PrintWriter log,
                                       ConsoleTail console) {
        vm.requestStop("interrupted"); // already stopping: this only makes sure
        log.println("airlock run: " + SignalForwarding.name(signals.firstSignal())
                + (signals.started() ? ": the command did not exit in time; the VM was stopped"
                        : " while the VM was starting; the VM was stopped"));
        log.flush();
        return new Outcome(signals.exitStatus(), vm.bootTimer().initReached().getNow(null), null,
                Duration.ofNanos(System.nanoTime() - started), console.tail());
    }

    private static Outcome failed(ConsoleTail console, long started, MicroVm vm, java.io.PrintWriter log) {
        String tail = console.tail();
        if (!tail.isBlank()) {
            log.println("airlock run: last guest console output:");
            log.println(tail.strip());
        }
        log.flush();
        return new Outcome(SANDBOX_FAILED, vm.bootTimer().initReached().getNow(null), null,
                Duration.ofNanos(System.nanoTime() - started), tail);
    }

    private static void write(OutputStream stream, byte[] bytes) {
        try {
            stream.write(bytes);
            stream.flush();
        } catch (IOException ignored) {
            // the reader went away (closed pipe): the command keeps running, its output is dropped
        }
    }

    /**
     * Forwards stdin in chunks, waiting while the console holds more than half its buffer for
     * the guest, so a large stdin is never dropped by the device's bounded input buffer.
     */
    private static void pumpStdin(InputStream stdin, ExecChannel channel, VirtioConsole hvc) {
        Thread.ofPlatform().daemon().name("microvm-stdin").start(() -> {
            byte[] buf = new byte[16 << 10];
            try {
                int n;
                while ((n = stdin.read(buf)) > 0) {
                    while (hvc.pendingInputBytes() > VirtioConsole.INPUT_CAPACITY / 2 && !channel.exit().isDone()) {
                        Thread.sleep(2);
                    }
                    if (channel.exit().isDone()) {
                        return;
                    }
                    channel.stdin(buf, 0, n);
                }
            } catch (IOException | InterruptedException ignored) {
                // stdin unreadable: treat as ended
            }
            channel.closeStdin();
        });
    }

    /** The guest's serial console: the last {@link #CONSOLE_TAIL} bytes, optionally copied to stderr. */
    private static final class ConsoleTail extends OutputStream {
        private final PrintStream copy;
        private final byte[] ring = new byte[CONSOLE_TAIL];
        private long written;

        ConsoleTail(PrintStream copy) {
            this.copy = copy;
        }

        @Override
        public synchronized void write(int b) {
            ring[(int) (written++ % ring.length)] = (byte) b;
            if (copy != null) {
                copy.write(b);
            }
        }

        synchronized String tail() {
            int n = (int) Math.min(written, ring.length);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = ring[(int) ((written - n + i) % ring.length)];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
