package dev.airlock.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A loopback port the test holds open, so that a command asked to listen there cannot. */
final class TakenPort implements AutoCloseable {
    private final ServerSocket socket;

    TakenPort() throws IOException {
        socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    /** {@code 127.0.0.1:port}, as given on the command line. */
    String address() {
        return socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /**
     * The operating system's words for binding the port again ("Address already in use" in an
     * English locale), asked of the JDK rather than written here so the tests hold in any locale.
     */
    String bindError() throws IOException {
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort()));
        } catch (BindException e) {
            return e.getMessage();
        }
        throw new AssertionError("bound " + address() + " twice");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
