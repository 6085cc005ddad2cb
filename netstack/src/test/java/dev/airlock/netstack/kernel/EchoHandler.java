package dev.airlock.netstack.kernel;

import dev.airlock.netstack.flow.CloseReason;
import dev.airlock.netstack.flow.Flow;
import dev.airlock.netstack.flow.FlowHandler;
import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * Echoes every byte back, hashing what arrives, and honours backpressure both ways: stops
 * reading while the flow is not writable and resumes when it drains.
 */
final class EchoHandler implements FlowHandler {
    private final MessageDigest digest;
    private long bytes;
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    final CompletableFuture<String> inputDone = new CompletableFuture<>();

    EchoHandler() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void onData(Flow flow, ByteBuf data) {
        digest.update(data.nioBuffer());
        bytes += data.readableBytes();
        flow.write(data);
        if (!flow.isWritable()) {
            flow.setAutoRead(false);
        }
    }

    @Override
    public void onWritabilityChanged(Flow flow) {
        if (flow.isWritable()) {
            flow.setAutoRead(true);
        }
    }

    @Override
    public void onInputShutdown(Flow flow) {
        inputDone.complete(HexFormat.of().formatHex(digest.digest()));
        flow.shutdownOutput();
    }

    @Override
    public void onClosed(Flow flow, CloseReason reason) {
        closed.complete(reason);
    }

    long bytes() {
        return bytes;
    }
}
