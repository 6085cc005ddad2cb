package dev.airlock.policy.rest;

import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.Value;
import java.util.Map;

/** A small egress policy and data shared by the REST tests. */
final class Fixtures {
    private Fixtures() {}

    static final String EGRESS_ID = "egress.rego";

    static final String EGRESS = """
            package airlock.egress

            default decision := {"allow": false, "reason": "host not in allowlist"}

            decision := {"allow": true, "reason": "allowlisted"} if {
            	input.destination.host in data.allowed_hosts
            }

            first_host := data.allowed_hosts[0]
            """;

    /** The same package with the allowlist ignored: everything is denied with another reason. */
    static final String EGRESS_LOCKDOWN = """
            package airlock.egress

            decision := {"allow": false, "reason": "lockdown"}
            """;

    static Value data() {
        return json("{\"allowed_hosts\": [\"api.openai.com\", \"github.com\"]}");
    }

    static Map<String, String> modules() {
        return Map.of(EGRESS_ID, EGRESS);
    }

    static Value input(String host) {
        return json("{\"destination\": {\"host\": " + Json.quote(host) + ", \"port\": 443}}");
    }

    static Value json(String text) {
        try {
            return Json.parse(text);
        } catch (Json.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
