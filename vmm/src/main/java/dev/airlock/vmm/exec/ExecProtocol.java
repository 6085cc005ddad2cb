package dev.airlock.vmm.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The exec channel's framing, shared with the guest agent ({@code airlock-agent.c}): one type
 * byte, a 4-byte big-endian payload length, the payload. Lengths are capped so neither side
 * can make the other buffer without bound.
 */
public final class ExecProtocol {

    private ExecProtocol() {}

    public static final String VERSION = "airlock-agent 1";
    public static final int HEADER_SIZE = 5;
    public static final int MAX_PAYLOAD = 1 << 20;
    /** Largest stdin chunk the host sends in one frame. */
    public static final int STDIN_CHUNK = 16 << 10;

    // host -> guest
    public static final byte FILE = 'F';
    public static final byte ARG = 'A';
    public static final byte ENV = 'E';
    public static final byte RUN = 'R';
    /** stdin bytes; an empty payload ends stdin. */
    public static final byte STDIN = '0';
    public static final byte SIGNAL = 'K';

    // guest -> host
    public static final byte HELLO = 'H';
    public static final byte STDOUT = '1';
    public static final byte STDERR = '2';
    /** 4-byte big-endian status: the exit code, or 128 + the signal that ended the command. */
    public static final byte EXIT = 'X';
    /** The agent could not do what was asked (text); an EXIT frame follows. */
    public static final byte FAILURE = 'F';

    /** One encoded frame. */
    public static byte[] frame(byte type, byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("exec frame payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        byte[] f = new byte[HEADER_SIZE + payload.length];
        f[0] = type;
        f[1] = (byte) (payload.length >>> 24);
        f[2] = (byte) (payload.length >>> 16);
        f[3] = (byte) (payload.length >>> 8);
        f[4] = (byte) payload.length;
        System.arraycopy(payload, 0, f, HEADER_SIZE, payload.length);
        return f;
    }

    /** The frames that start {@code request}: files, environment, arguments, then RUN. */
    public static byte[] encode(ExecRequest request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        request.files().forEach((path, contents) -> {
            byte[] name = path.getBytes(StandardCharsets.UTF_8);
            byte[] p = new byte[name.length + 1 + contents.length];
            System.arraycopy(name, 0, p, 0, name.length);
            System.arraycopy(contents, 0, p, name.length + 1, contents.length);
            out.writeBytes(frame(FILE, p));
        });
        request.env().forEach((k, v) -> out.writeBytes(frame(ENV, (k + "=" + v).getBytes(StandardCharsets.UTF_8))));
        for (String a : request.argv()) {
            out.writeBytes(frame(ARG, a.getBytes(StandardCharsets.UTF_8)));
        }
        out.writeBytes(frame(RUN, new byte[0]));
        return out.toByteArray();
    }
}
