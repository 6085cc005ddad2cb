package dev.airlock.cli;

import java.net.SocketException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * The one line a listening command ({@code serve}, {@code policy serve}) prints when its
 * address cannot be bound, e.g. {@code airlock serve: cannot listen on 127.0.0.1:3128: address
 * already in use}, instead of the exception Netty rethrows from {@code bind().sync()}.
 */
final class ListenFailure {
    private ListenFailure() {}

    static String message(String command, String address, Throwable failure) {
        return "airlock " + command + ": cannot listen on " + address + ": " + reason(failure);
    }

    /**
     * The operating system's words for the socket error (address already in use, cannot assign
     * requested address, permission denied), or "unknown host" for a name that did not resolve:
     * its exception has no message at all.
     */
    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) return "unknown host";
            if (t instanceof SocketException && t.getMessage() != null && !t.getMessage().isBlank()) {
                String m = t.getMessage();
                return m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
            }
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }
}
