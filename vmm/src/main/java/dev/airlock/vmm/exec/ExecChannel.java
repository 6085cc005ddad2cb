package dev.airlock.vmm.exec;

import dev.airlock.vmm.virtio.console.ConsoleStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The host end of the exec channel over virtio-console: waits for the guest agent's hello,
 * sends an {@link ExecRequest}, streams stdin to the guest and the command's stdout and stderr
 * back to {@link Output}, and completes {@link #exit()} with the command's status.
 *
 * <p>The guest is not trusted: a frame of an unknown type, an oversized length or a malformed
 * exit status ends the channel with an {@link ExecProtocolException} (the VM is then torn
 * down); nothing the guest sends can make the host buffer more than one frame.
 */
public final class ExecChannel implements ConsoleStream {

    /** Where the command's output goes. Called on the device's (vCPU) thread. */
    public interface Output {
        void stdout(byte[] bytes);

        void stderr(byte[] bytes);
    }

    private final Output output;
    private final CompletableFuture<String> hello = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private volatile Consumer<byte[]> toGuest = b -> {};
    private volatile String failure;
    private boolean broken;

    public ExecChannel(Output output) {
        this.output = output;
    }

    @Override
    public void connect(Consumer<byte[]> toGuest) {
        this.toGuest = toGuest;
    }

    /** Completes with the agent's version text once it is listening. */
    public CompletableFuture<String> hello() {
        return hello;
    }

    /** Completes with the command's exit status, or exceptionally on a protocol violation. */
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    /** The agent's failure message (it could not start the command), or null. */
    public String failure() {
        return failure;
    }

    /** Sends the request; call after {@link #hello()} completed (earlier bytes may meet a cooked tty). */
    public void start(ExecRequest request) {
        toGuest.accept(ExecProtocol.encode(request));
    }

    /** Sends stdin bytes, split into frames of at most {@link ExecProtocol#STDIN_CHUNK}. */
    public void stdin(byte[] bytes, int offset, int length) {
        for (int at = 0; at < length; at += ExecProtocol.STDIN_CHUNK) {
            int n = Math.min(ExecProtocol.STDIN_CHUNK, length - at);
            toGuest.accept(ExecProtocol.frame(ExecProtocol.STDIN, Arrays.copyOfRange(bytes, offset + at, offset + at + n)));
        }
    }

    /** Ends the command's stdin. */
    public void closeStdin() {
        toGuest.accept(ExecProtocol.frame(ExecProtocol.STDIN, new byte[0]));
    }

    /** Delivers a signal (e.g. 2 for SIGINT) to the command's process group. */
    public void signal(int signal) {
        toGuest.accept(ExecProtocol.frame(ExecProtocol.SIGNAL, new byte[] {(byte) signal}));
    }

    @Override
    public synchronized void fromGuest(byte[] bytes) {
        if (broken) {
            return;
        }
        partial.writeBytes(bytes);
        byte[] buf = partial.toByteArray();
        int at = 0;
        while (buf.length - at >= ExecProtocol.HEADER_SIZE) {
            long n = (buf[at + 1] & 0xffL) << 24 | (buf[at + 2] & 0xff) << 16 | (buf[at + 3] & 0xff) << 8 | (buf[at + 4] & 0xff);
            if (n > ExecProtocol.MAX_PAYLOAD) {
                violation("frame of " + n + " bytes exceeds " + ExecProtocol.MAX_PAYLOAD);
                return;
            }
            if (buf.length - at - ExecProtocol.HEADER_SIZE < n) {
                break;
            }
            byte[] payload = Arrays.copyOfRange(buf, at + ExecProtocol.HEADER_SIZE, at + ExecProtocol.HEADER_SIZE + (int) n);
            if (!dispatch(buf[at], payload)) {
                return;
            }
            at += ExecProtocol.HEADER_SIZE + (int) n;
        }
        partial.reset();
        partial.write(buf, at, buf.length - at);
    }

    private boolean dispatch(byte type, byte[] payload) {
        switch (type) {
            case ExecProtocol.HELLO -> hello.complete(new String(payload, StandardCharsets.UTF_8));
            case ExecProtocol.STDOUT -> output.stdout(payload);
            case ExecProtocol.STDERR -> output.stderr(payload);
            case ExecProtocol.FAILURE -> failure = new String(payload, StandardCharsets.UTF_8);
            case ExecProtocol.EXIT -> {
                if (payload.length != 4) {
                    violation("exit status of " + payload.length + " bytes");
                    return false;
                }
                int status = (payload[0] & 0xff) << 24 | (payload[1] & 0xff) << 16 | (payload[2] & 0xff) << 8 | (payload[3] & 0xff);
                if (status < 0 || status > 255 + 128) {
                    violation("exit status " + status + " out of range");
                    return false;
                }
                exit.complete(status);
            }
            default -> {
                violation("unknown frame type 0x" + Integer.toHexString(type & 0xff));
                return false;
            }
        }
        return true;
    }

    private void violation(String what) {
        broken = true;
        partial.reset();
        ExecProtocolException e = new ExecProtocolException("the guest agent broke the exec protocol: " + what);
        hello.completeExceptionally(e);
        exit.completeExceptionally(e);
    }
}
