package dev.airlock.policy.bench;

import dev.airlock.policy.Decision;
import dev.airlock.policy.EmbeddedEngine;
import dev.airlock.policy.cache.DecisionCache;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.Value;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One egress decision of a realistic policy: 150 exact hosts (an object lookup), 50 host globs
 * (glob.match over each), blocked address ranges (net.cidr_contains), and per-rule port, method
 * and path-prefix checks. SampleTime gives the latency distribution (p50 is the figure we
 * track), Throughput the decisions per second on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class EgressDecisionBenchmark {
    static final String PATH = "airlock/egress/decision";

    static final String POLICY = """
            package airlock.egress

            decision := {"allow": false, "reason": "destination address is in a blocked range"} if {
            	blocked_ip
            } else := {"allow": true, "reason": "allowed by an egress rule", "rules": allowed_by} if {
            	count(allowed_by) > 0
            } else := {"allow": false, "reason": "no egress rule allows this destination"}

            blocked_ip if {
            	some cidr in data.egress.blocked_cidrs
            	net.cidr_contains(cidr, input.destination.ip)
            }

            # Exact hosts: one object lookup, however long the list.
            allowed_by contains rule.name if {
            	rule := data.egress.exact[input.destination.host]
            	request_matches(rule)
            }

            # Wildcard hosts: each glob is tried.
            allowed_by contains rule.name if {
            	some rule in data.egress.wildcards
            	glob.match(rule.host, ["."], input.destination.host)
            	request_matches(rule)
            }

            request_matches(rule) if {
            	input.destination.port in rule.ports
            	method_ok(rule)
            	path_ok(rule)
            }

            method_ok(rule) if not rule.methods
            method_ok(rule) if input.request.method in rule.methods

            path_ok(rule) if not rule.path_prefix
            path_ok(rule) if startswith(input.request.path, rule.path_prefix)
            """;

    EmbeddedEngine engine;
    DecisionCache cache;
    Value exactInput;
    Value wildcardInput;

    @Setup
    public void setup() throws Json.ParseException {
        engine = EmbeddedEngine.build(Map.of("egress.rego", POLICY), Json.parse(data()));
        cache = new DecisionCache(engine);
        exactInput = Json.parse(input("api117.example.com", "104.18.6.192", "POST", "/v1/responses"));
        wildcardInput = Json.parse(input("objects.svc47.example.net", "140.82.112.6", "GET", "/repos/a/b/issues"));
        // Fail here, not in a silent benchmark of an error path.
        for (Value in : new Value[] {exactInput, wildcardInput}) {
            Decision d = engine.evaluate(PATH, in);
            if (!d.defined() || !d.result().toString().contains("\"allow\":true")) {
                throw new IllegalStateException("benchmark input is not allowed: " + d.result());
            }
        }
    }

    /** 150 exact-host rules and 50 wildcard rules, with a mix of method and path constraints. */
    static String data() {
        StringBuilder exact = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            if (i > 0) exact.append(',');
            String host = "api" + i + ".example.com";
            exact.append('"').append(host).append("\":").append(rule("exact-" + i, host, i));
        }
        StringBuilder wild = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            if (i > 0) wild.append(',');
            wild.append(rule("wildcard-" + i, "*.svc" + i + ".example.net", i));
        }
        return "{\"egress\": {\"exact\": {" + exact + "}, \"wildcards\": [" + wild + "], \"blocked_cidrs\": "
                + "[\"10.0.0.0/8\", \"172.16.0.0/12\", \"192.168.0.0/16\", \"169.254.0.0/16\", \"127.0.0.0/8\","
                + " \"100.64.0.0/10\", \"fc00::/7\", \"::1/128\"]}}";
    }

    private static String rule(String name, String host, int i) {
        String methods = i % 3 == 0 ? "" : ", \"methods\": [\"GET\", \"POST\"]";
        String path = i % 2 == 0 ? "" : ", \"path_prefix\": \"/" + (i % 4 == 1 ? "v1/" : "repos/") + "\"";
        return "{\"name\": \"" + name + "\", \"host\": \"" + host + "\", \"ports\": [443]" + methods + path + "}";
    }

    static String input(String host, String ip, String method, String path) {
        return "{\"phase\": \"request\", \"source\": {\"vm\": \"vm-3f2a\", \"agent\": \"ci-bot\", \"labels\": {\"team\": \"infra\"}},"
                + " \"destination\": {\"host\": \"" + host + "\", \"ip\": \"" + ip + "\", \"port\": 443, \"transport\": \"tcp\","
                + " \"sni\": \"" + host + "\"}, \"request\": {\"method\": \"" + method + "\", \"scheme\": \"https\", \"path\": \""
                + path + "\", \"query\": {}, \"headers\": {\"content-type\": [\"application/json\"]}, \"protocol\": \"HTTP/2\"},"
                + " \"secrets\": [\"OPENAI_API_KEY\"]}";
    }

    @Benchmark
    public Decision exactHost() {
        return engine.evaluate(PATH, exactInput);
    }

    @Benchmark
    public Decision wildcardHost() {
        return engine.evaluate(PATH, wildcardInput);
    }

    /** The same decision answered by the decision cache (canonical-JSON key + Caffeine lookup). */
    @Benchmark
    public Decision cachedWildcardHost() {
        return cache.evaluate(PATH, wildcardInput);
    }
}
