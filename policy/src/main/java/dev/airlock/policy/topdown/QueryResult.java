package dev.airlock.policy.topdown;

import dev.airlock.policy.value.Value;
import java.util.List;
import java.util.Map;

/**
 * One solution of a query: the bindings of its variables and the value of each top-level
 * expression in query order (true for expressions that are not plain terms), as OPA's
 * {@code eval} prints them.
 */
public record QueryResult(Map<String, Value> bindings, List<Value> expressionValues) {}
