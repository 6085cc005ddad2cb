package dev.airlock.gateway.decision;

import dev.airlock.gateway.net.Cidr;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the decision object a policy returns. Anything other than a well-formed object with
 * {@code allow: true} denies, and the reason says which field was wrong, so a policy author
 * sees their mistake in the 403 body and the audit log instead of an open gateway.
 */
public final class DecisionReader {
    private DecisionReader() {}

    /**
     * @param result the value at the decision path, or null when the policy left it undefined
     */
    public static Decision read(Value result, String decisionId, String revision) {
        if (result == null) {
            return Decision.deny("policy decision is undefined (default deny)", decisionId, revision);
        }
        if (!(result instanceof ObjectValue o)) {
            return Decision.deny("policy decision is a " + result.typeName() + ", expected an object", decisionId, revision);
        }
        Value allowValue = o.get("allow");
        if (!(allowValue instanceof BoolValue allow)) {
            return Decision.deny("policy decision has no boolean 'allow'", decisionId, revision);
        }
        String reason = o.get("reason") instanceof StringValue s ? s.value() : (allow.value() ? "allowed" : "denied");
        try {
            List<Cidr> cidrs = new ArrayList<>();
            for (String text : strings(o.get("allow_cidrs"), "allow_cidrs")) {
                try {
                    cidrs.add(Cidr.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("allow_cidrs: " + e.getMessage());
                }
            }
            Decision.TlsMode tls = Decision.TlsMode.INSPECT;
            if (o.get("tls") instanceof Value t) {
                if (!(t instanceof StringValue ts)) throw new IllegalArgumentException("'tls' must be a string");
                tls = switch (ts.value().toLowerCase(Locale.ROOT)) {
                    case "inspect" -> Decision.TlsMode.INSPECT;
                    case "passthrough" -> Decision.TlsMode.PASSTHROUGH;
                    default -> throw new IllegalArgumentException("'tls' must be \"inspect\" or \"passthrough\", not \"" + ts.value() + "\"");
                };
            }
            Set<String> secrets = o.get("secrets") == null ? null : new HashSet<>(strings(o.get("secrets"), "secrets"));
            return new Decision(allow.value(), reason, decisionId, revision, cidrs, tls, secrets);
        } catch (IllegalArgumentException e) {
            return Decision.deny("policy decision is malformed: " + e.getMessage(), decisionId, revision);
        }
    }

    private static List<String> strings(Value v, String field) {
        if (v == null) return List.of();
        Collection<Value> items = switch (v) {
            case ArrayValue a -> a.elements();
            case SetValue s -> s.elements();
            default -> throw new IllegalArgumentException("'" + field + "' must be an array of strings");
        };
        List<String> out = new ArrayList<>(items.size());
        for (Value item : items) {
            if (!(item instanceof StringValue s)) throw new IllegalArgumentException("'" + field + "' must contain only strings");
            out.add(s.value());
        }
        return out;
    }
}
