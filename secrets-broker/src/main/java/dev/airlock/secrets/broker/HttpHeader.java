package dev.airlock.secrets.broker;

import java.util.Objects;

/** One request header as it appears on the wire; order and repetition are preserved by the list holding it. */
public record HttpHeader(String name, String value) {
    public HttpHeader {
        Objects.requireNonNull(name);
        Objects.requireNonNull(value);
    }
}
