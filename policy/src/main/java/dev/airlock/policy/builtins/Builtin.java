package dev.airlock.policy.builtins;

import dev.airlock.policy.types.Type;
import java.util.EnumSet;
import java.util.Set;

/**
 * The declaration of one builtin function: its name, typed signature and description next to
 * its implementation. Declarations are plain data collected in {@link BuiltinRegistry}.
 *
 * @param name        dotted name as written in Rego, e.g. {@code "strings.replace_n"}; infix
 *                    operators use OPA's names ({@code plus}, {@code equal}, {@code lt}, ...)
 * @param signature   argument and result types, used by the compiler's type checker
 * @param description one sentence for users (shown by {@code airlock policy builtins})
 * @param flags       properties that limit where the builtin may run
 * @param impl        the implementation
 */
public record Builtin(String name, Type.Function signature, String description, Set<Flag> flags, Impl impl) {

    public Builtin {
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    public static Builtin of(String name, Type.Function signature, String description, Impl impl) {
        return new Builtin(name, signature, description, Set.of(), impl);
    }

    public static Builtin of(String name, Type.Function signature, String description, Set<Flag> flags, Impl impl) {
        return new Builtin(name, signature, description, flags, impl);
    }

    /**
     * True when the result depends on the arguments alone. Flagged builtins do not: they read the
     * clock or a random source, or ask the network, whose answer can change between two calls.
     * The compiler decides what may be cached on this (see {@code RuleNode.isDeterministic()}).
     */
    public boolean deterministic() {
        return !flags.contains(Flag.NONDETERMINISTIC) && !flags.contains(Flag.NETWORK);
    }

    public enum Flag {
        /** Result can differ between calls with the same arguments (reads the clock or a random source). */
        NONDETERMINISTIC,
        /** Opens network connections or resolves names; disabled unless the engine enables it. */
        NETWORK,
    }

    /** The code of a builtin. Arguments arrive already evaluated and ground. */
    @FunctionalInterface
    public interface Impl {
        /**
         * @return the result, or {@code null} when the call is undefined for these arguments
         * @throws BuiltinException for errors OPA reports as {@code eval_builtin_error} (or
         *         {@code eval_type_error} via {@link BuiltinException#type})
         */
        dev.airlock.policy.value.Value call(BuiltinContext ctx, java.util.List<dev.airlock.policy.value.Value> args)
                throws BuiltinException;
    }
}
