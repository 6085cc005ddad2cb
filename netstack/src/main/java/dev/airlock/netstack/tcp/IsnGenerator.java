package dev.airlock.netstack.tcp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Initial sequence numbers per RFC 6528: ISN = M + F(4-tuple, secret), where M is a 4 µs
 * clock and F a keyed hash (HMAC-SHA256, truncated) under a random per-stack key. Not thread
 * safe: used on the stack thread only.
 */
final class IsnGenerator {
    private final Mac mac;
    private final ByteBuffer input = ByteBuffer.allocate(12);

    IsnGenerator(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    int next(int localIp, int localPort, int remoteIp, int remotePort) {
        input.clear();
        input.putInt(localIp).putInt(remoteIp).putShort((short) localPort).putShort((short) remotePort);
        byte[] h = mac.doFinal(input.array());
        int f = ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        int m = (int) (System.nanoTime() / 4000);
        return m + f;
    }
}
