package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.BindException;
import java.net.SocketException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

class ListenFailureTest {
    @Test
    void theSocketErrorIsTheReasonWhereverItIsInTheChain() {
        assertEquals("airlock serve: cannot listen on 127.0.0.1:3128: address already in use",
                ListenFailure.message("serve", "127.0.0.1:3128", new BindException("Address already in use")));
        assertEquals("cannot assign requested address", ListenFailure.reason(
                new IllegalStateException("bind failed", new BindException("Cannot assign requested address"))));
        assertEquals("permission denied", ListenFailure.reason(new SocketException("Permission denied")));
    }

    @Test
    void aNameThatDidNotResolveSaysSoInsteadOfNull() {
        // Netty's bind of an unresolved InetSocketAddress fails with this exception, which has no message.
        assertEquals("airlock policy serve: cannot listen on nosuchhost.invalid:8181: unknown host",
                ListenFailure.message("policy serve", "nosuchhost.invalid:8181", new UnresolvedAddressException()));
    }
}
