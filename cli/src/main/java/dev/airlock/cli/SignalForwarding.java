package dev.airlock.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What {@code airlock run --isolation microvm} does with SIGINT (Ctrl-C) and SIGTERM, the way
 * a shell treats its foreground job: each signal goes to the command — through the exec
 * channel to its process group in the guest — and the command decides how to end; its exit
 * status is {@code run}'s. If the command has not ended {@link #grace} after the first signal,
 * or had not started yet (the guest was still booting), the VM is torn down and {@code run}
 * exits with 128 + that signal: 130 for SIGINT, 143 for SIGTERM, what a shell reports for a job
 * the signal killed.
 */
final class SignalForwarding {

    static final int SIGINT = 2;
    static final int SIGTERM = 15;

    /** The command and its VM, as the forwarding sees them. */
    interface Target {
        /** Delivers {@code signal} to the command's process group in the guest. */
        void forward(int signal);

        /** Stops the VM; {@code why} is for the log. */
        void tearDown(String why);
    }

    private final Target target;
    private final Duration grace;
    private final CompletableFuture<?> ended;
    private boolean started;
    private int first;

    /**
     * @param ended completes when the command has ended or the VM stopped: after that, the grace
     *              period has nothing left to end
     */
    SignalForwarding(Target target, Duration grace, CompletableFuture<?> ended) {
        this.target = target;
        this.grace = grace;
        this.ended = ended;
    }

    /**
     * Runs {@code start} (which sends the command to the guest) so that no signal can fall
     * between it and the forwarding: a signal before it tears the VM down, one after it is
     * forwarded.
     */
    synchronized void start(Runnable start) {
        if (first == 0) {
            start.run();
            started = true;
        }
    }

    /** Whether the command was sent (false when a signal stopped the VM first). */
    synchronized boolean started() {
        return started;
    }

    /** A signal arrived (any thread). */
    synchronized void received(int signal) {
        if (first == 0) {
            first = signal;
            if (!started) {
                target.tearDown(name(signal) + " before the command started");
                return;
            }
            CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!ended.isDone()) {
                    target.tearDown("the command did not exit within " + describe(grace) + " of " + name(first));
                }
            });
        }
        if (started) {
            target.forward(signal);
        }
    }

    /** The first signal received, or 0. */
    synchronized int firstSignal() {
        return first;
    }

    /** The exit status of a run the first signal ended by tearing the VM down. */
    synchronized int exitStatus() {
        return 128 + first;
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    static String name(int signal) {
        return switch (signal) {
            case SIGINT -> "SIGINT";
            case SIGTERM -> "SIGTERM";
            default -> "signal " + signal;
        };
    }
}
