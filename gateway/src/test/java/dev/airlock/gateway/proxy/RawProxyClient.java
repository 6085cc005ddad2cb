package dev.airlock.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends hand-written bytes to the proxy, for requests no well-behaved client would send. */
final class RawProxyClient {
    private RawProxyClient() {}

    /** Writes {@code request} and returns everything the proxy sends until it closes (or 5 s pass). */
    static String exchange(InetSocketAddress proxy, String request) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(proxy, 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
            } catch (java.net.SocketTimeoutException e) {
                // whatever arrived is the answer
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
