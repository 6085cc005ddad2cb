package dev.airlock.vmm.testing;

import dev.airlock.vmm.exec.ExecChannel;
import dev.airlock.vmm.image.Initramfs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The guest's exec agent run on the host: compiled from the same source the image builder
 * uses and started with {@code --stdio}, so a pipe pair stands in for hvc0. The channel's
 * bytes to the guest go to the process's stdin; its stdout is pumped into the channel.
 */
public final class HostAgent implements AutoCloseable {

    public final ExecChannel channel;
    public final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    public final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Process process;

    private HostAgent(Path binary) throws IOException {
        channel = new ExecChannel(new ExecChannel.Output() {
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
        process = new ProcessBuilder(binary.toString(), "--stdio").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        OutputStream toAgent = process.getOutputStream();
        channel.connect(bytes -> {
            try {
                toAgent.write(bytes);
                toAgent.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        InputStream fromAgent = process.getInputStream();
        Thread.ofPlatform().daemon().name("agent-pump").start(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = fromAgent.read(buf)) > 0) {
                    channel.fromGuest(java.util.Arrays.copyOf(buf, n));
                }
            } catch (IOException ignored) {
                // the agent exited
            }
        });
    }

    /** Compiles the agent (dynamically linked: fast, and enough on the host) into {@code dir}. */
    public static Path compile(Path dir) throws Exception {
        Toolchain.assumeTools("gcc");
        Path c = dir.resolve("airlock-agent.c");
        Files.write(c, Initramfs.agentSource());
        Toolchain.run(dir, "gcc", "-O2", "-Wall", "-Werror", "-o", "airlock-agent", c.toString());
        return dir.resolve("airlock-agent");
    }

    public static HostAgent start(Path binary) throws IOException {
        return new HostAgent(binary);
    }

    public String out() {
        synchronized (stdout) {
            return stdout.toString();
        }
    }

    public String err() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    public Process process() {
        return process;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
