package dev.airlock.netstack.channel;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import java.util.Map;

/**
 * Options of a {@link FlowChannel}: Netty's defaults plus {@link ChannelOption#ALLOW_HALF_CLOSURE}
 * (a guest FIN becomes an input-shutdown event instead of a close) and
 * {@link ChannelOption#SO_LINGER} (0 makes {@code close()} send an RST).
 */
public final class FlowChannelConfig extends DefaultChannelConfig {
    private volatile boolean allowHalfClosure;
    private volatile int linger = -1;

    FlowChannelConfig(FlowChannel channel) {
        super(channel);
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
