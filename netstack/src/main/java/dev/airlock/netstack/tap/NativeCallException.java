package dev.airlock.netstack.tap;

/** A failed native call, named with the call, errno and the system's description of it. */
public final class NativeCallException extends RuntimeException {
    private final String call;
    private final int errno;

    public NativeCallException(String call, int errno, String hint) {
        super(call + " failed: errno " + errno + " (" + Libc.describe(errno) + ")" + (hint.isEmpty() ? "" : "; " + hint));
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
