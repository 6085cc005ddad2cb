package dev.airlock.policy.conformance;

import dev.airlock.policy.value.Value;
import java.util.List;

/** One case of the OPA conformance suite (schema: shared/conformance/README.md). */
public record ConformanceCase(String file, String topic, String note, String query, List<String> modules, Value data,
        Value input, String inputTerm, List<Value> wantResult, String wantError, String wantErrorCode, boolean strictError,
        boolean sortBindings, boolean ignoreGeneratedVars) {}
