package dev.airlock.netstack.testing;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.flow.FlowAcceptor;
import dev.airlock.netstack.link.InMemoryLink;
import dev.airlock.netstack.packet.Ip4;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.TimeUnit;

/** A stack on an in-memory link: inject guest frames, read what the stack sends. */
public final class StackHarness implements AutoCloseable {
    public static final int GATEWAY = Ip4.parse("198.18.0.1");
    public static final int GUEST = Ip4.parse("198.18.0.2");
    public static final int REMOTE = Ip4.parse("203.0.113.10");

    public final InMemoryLink link = new InMemoryLink();
    public final NetStack stack;

    public StackHarness(StackConfig config, FlowAcceptor acceptor) {
        this.stack = NetStack.start(config, link, acceptor);
    }

    public StackHarness(FlowAcceptor acceptor) {
        this(StackConfig.defaults(), acceptor);
    }

    public void send(ByteBuf frame) {
        link.inject(frame);
    }

    /** The next frame the stack sends, decoded; fails after 2 s. */
    public Captured next() throws InterruptedException {
        ByteBuf f = link.poll(2, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("the stack sent nothing within 2 s; counters " + stack.counters());
        }
        return Captured.of(f);
    }

    /** Null if the stack sends nothing for {@code millis}. */
    public Captured nextWithin(long millis) throws InterruptedException {
        ByteBuf f = link.poll(millis, TimeUnit.MILLISECONDS);
        return f == null ? null : Captured.of(f);
    }

    /** Waits until every injected frame has been processed. */
    public void sync() {
        stack.call(() -> null);
    }

    public long count(Counter c) {
        sync();
        return stack.counters().get(c);
    }

    @Override
    public void close() {
        stack.close();
    }
}
