package dev.airlock.gateway.audit;

import java.io.IOException;
import java.nio.file.Path;

/** For tests outside this package: an audit log on a real file whose every flush to disk takes at least a given time. */
public final class SlowDisk {
    private SlowDisk() {}

    public static AuditLog open(Path file, long forceDelayMillis) throws IOException {
        return AuditLog.open(file, AuditLogOptions.defaults(), path -> {
            FailingChannel channel = new FailingChannel(ChannelOpener.FILES.open(path));
            channel.forceDelayMillis = forceDelayMillis;
            return channel;
        });
    }
}
