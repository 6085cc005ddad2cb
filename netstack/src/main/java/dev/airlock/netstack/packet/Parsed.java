package dev.airlock.netstack.packet;

import dev.airlock.netstack.Counter;

/**
 * The outcome of validating a packet view: either a view whose accessors are safe to call, or
 * the counter naming why the packet is dropped. Views have private constructors, so the only
 * way to obtain one is through a successful validation.
 */
public sealed interface Parsed<T> {
    record Ok<T>(T view) implements Parsed<T> {}

    record Bad<T>(Counter reason) implements Parsed<T> {}

    static <T> Parsed<T> ok(T view) {
        return new Ok<>(view);
    }

    static <T> Parsed<T> bad(Counter reason) {
        return new Bad<>(reason);
    }
}
