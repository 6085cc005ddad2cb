package dev.airlock.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Takes SIGINT and SIGTERM from the JVM's default handling (which would run the shutdown hooks
 * and exit) while a microVM runs a command, so they can be forwarded to it; {@link #close()}
 * gives them back. {@code sun.misc.Signal}, one of the internal APIs JEP 260 keeps accessible
 * (module {@code jdk.unsupported}) because nothing public replaces it, is the only way a Java
 * program can; its handlers run on the JVM's signal-dispatch thread, not inside a signal handler.
 */
final class TerminalSignals implements AutoCloseable {

    private record Installed(Signal signal, SignalHandler previous) {}

    private final List<Installed> installed = new ArrayList<>();

    private TerminalSignals() {}

    /**
     * Routes SIGINT and SIGTERM to {@code handler} (with the signal number). A signal the JVM
     * was started with ignored (a background job's SIGINT) or reserved ({@code -Xrs}) stays as it was.
     */
    static TerminalSignals install(IntConsumer handler) {
        TerminalSignals t = new TerminalSignals();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal signal = new Signal(name);
            try {
                SignalHandler previous = Signal.handle(signal, s -> handler.accept(s.getNumber()));
                if (previous == SignalHandler.SIG_IGN) {
                    Signal.handle(signal, previous); // ignored by whoever started us: leave it so
                } else {
                    t.installed.add(new Installed(signal, previous));
                }
            } catch (IllegalArgumentException e) {
                // the JVM does not let this signal be handled (-Xrs): it keeps its default action
            }
        }
        return t;
    }

    @Override
    public void close() {
        for (Installed i : installed) {
            Signal.handle(i.signal(), i.previous());
        }
        installed.clear();
    }
}
