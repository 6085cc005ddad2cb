package dev.airlock.policy;

import dev.airlock.policy.value.Value;
import java.util.List;
import java.util.Map;

/**
 * What the rest of airlock needs from a Rego engine. Implementations are thread-safe;
 * evaluation errors are thrown as {@link dev.airlock.policy.ast.RegoException} (fail closed).
 */
public interface PolicyEngine {
    /** Evaluates the document at a slash- or dot-separated path below data, e.g. {@code airlock/egress/decision}. */
    Decision evaluate(String path, Value input);

    /** Evaluates an ad-hoc Rego query; each result is the bindings of the query's variables. */
    List<Map<String, Value>> query(String rego, Value input);

    /** A stable hash of the loaded policies and data. */
    String revision();
}
