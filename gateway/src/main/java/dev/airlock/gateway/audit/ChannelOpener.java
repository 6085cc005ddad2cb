package dev.airlock.gateway.audit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens the log file's channel. Production always uses {@link #FILES}; tests substitute a
 * channel that fails like a full disk, which a real test filesystem cannot be made to do on
 * demand.
 */
interface ChannelOpener {
    ChannelOpener FILES = path -> FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);

    FileChannel open(Path path) throws IOException;
}
