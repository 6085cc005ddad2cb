package dev.airlock.netstack.channel;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.WriteBufferWaterMark;
import java.util.Map;

/**
 * Options of a {@link FlowChannel}: Netty's defaults plus {@link ChannelOption#ALLOW_HALF_CLOSURE}
 * (a guest FIN becomes an input-shutdown event instead of a close) and
 * {@link ChannelOption#SO_LINGER} (0 makes {@code close()} send an RST), and write water marks
 * of {@link #WATER_MARK} instead of Netty's 32/64 KiB.
 */
public final class FlowChannelConfig extends DefaultChannelConfig {
    /**
     * Flushed bytes leave Netty's outbound buffer for the flow at once (the flow bounds what it
     * queues), so the outbound buffer only stages one batch of writes between flushes. Netty's
     * 64 KiB high mark is one socket read: a relay from an upstream socket would go unwritable —
     * and stop reading — after every read, sending each read as a full segment plus a small
     * remainder. 256 KiB lets a read batch reach the flow whole.
     */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 256 * 1024);

    private volatile boolean allowHalfClosure;
    private volatile int linger = -1;

    FlowChannelConfig(FlowChannel channel) {
        super(channel);
        setWriteBufferWaterMark(WATER_MARK);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.ALLOW_HALF_CLOSURE, ChannelOption.SO_LINGER);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(allowHalfClosure);
        }
        if (option == ChannelOption.SO_LINGER) {
            return (T) Integer.valueOf(linger);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            allowHalfClosure = (Boolean) value;
        } else if (option == ChannelOption.SO_LINGER) {
            linger = (Integer) value;
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    protected void autoReadCleared() {
        ((FlowChannel) channel).autoReadCleared();
    }
}
