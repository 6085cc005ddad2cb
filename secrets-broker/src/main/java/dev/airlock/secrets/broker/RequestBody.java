package dev.airlock.secrets.broker;

/**
 * The request body as the gateway has it. The gateway buffers bodies up to
 * {@link SecretBroker#MAX_BODY_BYTES} ({@link Buffered}); a larger or open-ended body is
 * {@link Streamed}: it cannot be rewritten, and the gateway must pass it through a
 * {@link BodyPlaceholderScanner} and abort the request if that finds a placeholder.
 */
public sealed interface RequestBody {
    RequestBody NONE = new None();

    record None() implements RequestBody {}

    /** The complete body. */
    record Buffered(byte[] bytes) implements RequestBody {
        public Buffered {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        int length() {
            return bytes.length;
        }

        String latin1() {
            return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** A body that is forwarded as it arrives; {@code declaredLength} is -1 when unknown (chunked). */
    record Streamed(long declaredLength) implements RequestBody {}

    static RequestBody of(byte[] bytes) {
        return bytes.length == 0 ? NONE : new Buffered(bytes);
    }
}
