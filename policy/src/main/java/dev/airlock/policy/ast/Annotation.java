package dev.airlock.policy.ast;

import dev.airlock.policy.value.ObjectValue;

/**
 * One {@code # METADATA} block: its scope ({@code rule}, {@code document}, {@code package},
 * {@code subpackages}) and its fields as OPA exposes them through {@code rego.metadata.*}.
 */
public record Annotation(String scope, ObjectValue fields, Location location) {}
