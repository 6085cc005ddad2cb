# airlock's shipped egress policy.
#
# Security teams change what is allowed by editing data, not this file: the allowlist lives
# at data.airlock.config (see docs/policy.md for the full schema and examples).
#
#   {"airlock": {"config": {
#      "allow": [
#        {"host": "api.openai.com", "ports": [443], "methods": ["POST"], "paths": ["/v1/"],
#         "secrets": ["OPENAI_API_KEY"]},
#        {"host": "*.github.com"},
#        {"host": "registry.npmjs.org", "tls": "passthrough"},
#        {"host": "localhost", "ports": [8443], "allow_cidrs": ["127.0.0.0/8"]}
#      ],
#      "agents": {"ci-bot": ["api.openai.com", "*.github.com"]}
#   }}}
#
# Host patterns are globs over dot-separated labels: "*" is exactly one label, "**" any
# number of labels (at least one). Ports default to [443]. Methods and paths, when given,
# restrict requests inside inspected TLS; a path entry is a prefix. The first entry whose
# host and port match decides.
package airlock.egress

import rego.v1

default config := {}

config := data.airlock.config

allowlist := object.get(config, "allow", [])

default decision := {"allow": false, "reason": "no allowlist entry matches this destination (default deny)"}

# The index of the first allowlist entry for this destination, if any.
entry_index := min({i |
	some i in host_candidates(input.destination.host)
	port_matches(allowlist[i])
})

entry := allowlist[entry_index]

decision := connect_decision if input.phase == "connect"

decision := request_decision if input.phase == "request"

decision := dns_decision if input.phase == "dns"

connect_decision := {"allow": false, "reason": agent_denial} if {
	agent_denial
} else := {
	"allow": true,
	"reason": sprintf("allowed by allowlist entry %d (%s)", [entry_index, entry.host]),
	"allow_cidrs": object.get(entry, "allow_cidrs", []),
	"tls": object.get(entry, "tls", "inspect"),
}

request_decision := {"allow": false, "reason": agent_denial} if {
	agent_denial
} else := {"allow": false, "reason": sprintf("method %s is not allowed for %s", [input.request.method, entry.host])} if {
	not method_allowed
} else := {"allow": false, "reason": sprintf("path %s is not allowed for %s", [input.request.path, entry.host])} if {
	not path_allowed
} else := {
	"allow": true,
	"reason": sprintf("allowed by allowlist entry %d (%s)", [entry_index, entry.host]),
	"secrets": object.get(entry, "secrets", []),
}

dns_index := min(host_candidates(input.dns.name))

dns_decision := {
	"allow": true,
	"reason": sprintf("%s matches allowlist entry %d (%s)", [input.dns.name, dns_index, allowlist[dns_index].host]),
}

# Agents listed under config.agents may only reach the hosts listed for them.
agent_denial := sprintf("agent %s may not reach %s", [input.source.agent, input.destination.host]) if {
	allowed := config.agents[input.source.agent]
	not any_host_matches(allowed, input.destination.host)
}

any_host_matches(patterns, host) if {
	some p in patterns
	host_matches(p, host)
}

host_matches(pattern, host) if glob.match(lower(pattern), ["."], host)

# Indexes of the allowlist entries whose host pattern matches host. The indexes below depend
# only on data, so the engine builds them once per policy revision; a decision then looks up
# exact hosts directly and tries only the globs that can match host's last two labels.
host_candidates(host) := object.get(exact_hosts, host, set()) | {i |
	some i in globs_by_suffix[suffix_key(host)]
	host_matches(allowlist[i].host, host)
} | {i |
	some i in globs_anywhere
	host_matches(allowlist[i].host, host)
}

# Entries without glob metacharacters, by lower-cased host.
exact_hosts[lower(e.host)] contains i if {
	some i, e in allowlist
	not is_glob(e.host)
}

# Glob entries whose last two labels are literal, by those labels ("*.github.com" under "github.com").
globs_by_suffix[suffix_key(lower(e.host))] contains i if {
	some i, e in allowlist
	is_glob(e.host)
	not is_glob(suffix_key(e.host))
}

# Glob entries with metacharacters in their last two labels: tried for every host.
globs_anywhere contains i if {
	some i, e in allowlist
	is_glob(suffix_key(e.host))
}

is_glob(pattern) if regex.match(`[*?\[\]{}\\]`, pattern)

suffix_key(host) := concat(".", array.slice(labels, count(labels) - 2, count(labels))) if labels := split(host, ".")

port_matches(e) if input.destination.port in object.get(e, "ports", [443])

method_allowed if not entry.methods

method_allowed if upper(input.request.method) in {upper(m) | some m in entry.methods}

path_allowed if not entry.paths

path_allowed if {
	some prefix in entry.paths
	startswith(input.request.path, prefix)
}
