package dev.airlock.policy.bench;

import dev.airlock.policy.Decision;
import dev.airlock.policy.EmbeddedEngine;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * One request-phase decision of the policy airlock ships ({@code rego/airlock/egress.rego})
 * with 200 allowlist entries in data: 150 exact hosts over 40 vendors (with methods, paths and
 * secrets) and 50 host globs over 7 domains, plus an agent restriction. {@code exactHost} hits
 * an exact entry, {@code wildcardHost} a glob entry. Each call is a full, uncached evaluation.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ShippedPolicyBenchmark {
    static final String PATH = "airlock/egress/decision";

    EmbeddedEngine engine;
    Value exactInput;
    Value wildcardInput;

    @Setup
    public void setup() throws IOException, Json.ParseException {
        // exec:exec and the JMH fork run in the policy module directory.
        Path policy = Path.of(System.getProperty("airlock.policy", "../rego/airlock/egress.rego"));
        engine = EmbeddedEngine.build(Map.of("egress.rego", Files.readString(policy)), Json.parse(data(200)));
        exactInput = Json.parse(input("api150.vendor30.com"));
        wildcardInput = Json.parse(input("objects.svc48.example6.net"));
        for (Value in : new Value[] {exactInput, wildcardInput}) {
            Decision d = engine.evaluate(PATH, in);
            if (!d.defined() || !d.result().toString().contains("\"allow\":true")) {
                throw new IllegalStateException("benchmark input is not allowed: " + d.result());
            }
        }
    }

    /** Every fourth entry a glob ({@code *.svcN.exampleM.net}), the rest exact API hosts. */
    static String data(int entries) {
        StringBuilder allow = new StringBuilder();
        for (int i = 0; i < entries; i++) {
            if (i > 0) allow.append(',');
            if (i % 4 == 0) {
                allow.append("{\"host\": \"*.svc").append(i).append(".example").append(i % 7).append(".net\"}");
            } else {
                allow.append("{\"host\": \"api").append(i).append(".vendor").append(i % 40).append(".com\", \"ports\": [443],"
                        + " \"methods\": [\"GET\", \"POST\"], \"paths\": [\"/v1/\"], \"secrets\": [\"K").append(i).append("\"]}");
            }
        }
        return "{\"airlock\": {\"config\": {\"allow\": [" + allow + "], \"agents\": {\"ci-bot\": [\"api*.vendor*.com\","
                + " \"*.svc*.example*.net\"]}}}}";
    }

    static String input(String host) {
        return "{\"phase\": \"request\", \"source\": {\"vm\": \"vm-3f2a\", \"agent\": \"ci-bot\", \"labels\": {\"team\": \"infra\"}},"
                + " \"destination\": {\"host\": \"" + host + "\", \"ip\": \"104.18.6.192\", \"port\": 443, \"transport\": \"tcp\","
                + " \"sni\": \"" + host + "\"}, \"request\": {\"method\": \"POST\", \"scheme\": \"https\", \"path\": \"/v1/responses\","
                + " \"query\": {}, \"headers\": {\"content-type\": [\"application/json\"]}, \"protocol\": \"HTTP/2\"},"
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
}
