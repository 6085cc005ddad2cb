package airlock.egress_test

import rego.v1

import data.airlock.egress

cfg := {
	"allow": [
		{"host": "api.openai.com", "methods": ["POST"], "paths": ["/v1/"], "secrets": ["OPENAI_API_KEY"]},
		{"host": "*.github.com", "ports": [443, 80]},
		{"host": "registry.npmjs.org", "tls": "passthrough"},
		{"host": "localhost", "ports": [8443], "allow_cidrs": ["127.0.0.0/8"]},
		{"host": "**.corp.example"},
	],
	"agents": {"ci-bot": ["*.github.com"]},
}

connect(host, port) := {"phase": "connect", "source": {"agent": "dev"}, "destination": {"host": host, "port": port}}

request(host, method, path) := {
	"phase": "request",
	"source": {"agent": "dev"},
	"destination": {"host": host, "port": 443},
	"request": {"method": method, "path": path},
}

test_default_deny if {
	d := egress.decision with input as connect("evil.example", 443) with data.airlock.config as cfg
	d.allow == false
	contains(d.reason, "default deny")
}

test_default_deny_without_any_config if {
	d := egress.decision with input as connect("api.openai.com", 443)
	d.allow == false
}

test_exact_host_allowed_on_default_port if {
	d := egress.decision with input as connect("api.openai.com", 443) with data.airlock.config as cfg
	d.allow
	d.tls == "inspect"
	d.allow_cidrs == []
}

test_default_port_is_only_443 if {
	d := egress.decision with input as connect("api.openai.com", 8080) with data.airlock.config as cfg
	not d.allow
}

test_single_label_glob if {
	egress.decision.allow with input as connect("api.github.com", 80) with data.airlock.config as cfg
	not egress.decision.allow with input as connect("a.b.github.com", 443) with data.airlock.config as cfg
	not egress.decision.allow with input as connect("github.com", 443) with data.airlock.config as cfg
}

test_multi_label_glob if {
	egress.decision.allow with input as connect("a.b.corp.example", 443) with data.airlock.config as cfg
}

test_glob_does_not_match_suffix_tricks if {
	not egress.decision.allow with input as connect("api.openai.com.evil.example", 443) with data.airlock.config as cfg
	not egress.decision.allow with input as connect("evilgithub.com", 443) with data.airlock.config as cfg
}

test_passthrough_entry if {
	d := egress.decision with input as connect("registry.npmjs.org", 443) with data.airlock.config as cfg
	d.allow
	d.tls == "passthrough"
}

test_private_ranges_only_by_data if {
	d := egress.decision with input as connect("localhost", 8443) with data.airlock.config as cfg
	d.allow
	d.allow_cidrs == ["127.0.0.0/8"]
}

test_request_method_and_path if {
	d := egress.decision with input as request("api.openai.com", "POST", "/v1/responses") with data.airlock.config as cfg
	d.allow
	d.secrets == ["OPENAI_API_KEY"]
}

test_request_wrong_method if {
	d := egress.decision with input as request("api.openai.com", "DELETE", "/v1/files") with data.airlock.config as cfg
	not d.allow
	contains(d.reason, "method DELETE")
}

test_request_wrong_path if {
	d := egress.decision with input as request("api.openai.com", "POST", "/admin") with data.airlock.config as cfg
	not d.allow
	contains(d.reason, "path /admin")
}

test_agent_restriction if {
	inp := object.union(connect("api.openai.com", 443), {"source": {"agent": "ci-bot"}})
	d := egress.decision with input as inp with data.airlock.config as cfg
	not d.allow
	contains(d.reason, "agent ci-bot")
	ok := object.union(connect("api.github.com", 443), {"source": {"agent": "ci-bot"}})
	egress.decision.allow with input as ok with data.airlock.config as cfg
}

test_dns_phase if {
	egress.decision.allow with input as {"phase": "dns", "dns": {"name": "api.github.com"}} with data.airlock.config as cfg
	not egress.decision.allow with input as {"phase": "dns", "dns": {"name": "exfil.evil.example"}} with data.airlock.config as cfg
}

test_unknown_phase_denied if {
	not egress.decision.allow with input as {"phase": "other"} with data.airlock.config as cfg
}
