package dev.airlock.policy.conformance;

import dev.airlock.policy.EmbeddedEngine;
import dev.airlock.policy.EvalOptions;
import dev.airlock.policy.ast.Parser;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.ast.Terms;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.compile.CompiledQuery;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import dev.airlock.policy.value.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs OPA conformance cases the way OPA's own runner judges them: modules compiled
 * together, the query evaluated against data and input, the result set compared as an
 * unordered set of binding objects, errors matched by code and message substring.
 */
public final class ConformanceRunner {
    private final BuiltinRegistry builtins;
    private final dev.airlock.policy.topdown.Limits limits =
            new dev.airlock.policy.topdown.Limits(20_000_000L, Duration.ofSeconds(10), 200);

    public ConformanceRunner(BuiltinRegistry builtins) {
        // OPA's runner adds test-only builtins (test.sleep); so does ours, for these runs only.
        this.builtins = builtins.with(ConformanceBuiltins.declarations());
    }

    /** Loads every case under dir (recursively, *.json), in a stable order. */
    public static List<ConformanceCase> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        List<ConformanceCase> out = new ArrayList<>();
        for (Path p : files) {
            String rel = dir.relativize(p).toString();
            String topic = rel.contains("/") ? rel.substring(0, rel.indexOf('/')) : "(top)";
            Value doc;
            try {
                doc = Json.parse(Files.readString(p));
            } catch (Json.ParseException e) {
                throw new IOException(p + ": " + e.getMessage(), e);
            }
            Value cases = ((ObjectValue) doc).get("cases");
            if (!(cases instanceof ArrayValue arr)) continue;
            for (Value c : arr.elements()) out.add(toCase(rel, topic, (ObjectValue) c));
        }
        return out;
    }

    private static ConformanceCase toCase(String file, String topic, ObjectValue o) {
        List<String> modules = new ArrayList<>();
        if (o.get("modules") instanceof ArrayValue a) {
            for (Value m : a.elements()) modules.add(((StringValue) m).value());
        }
        List<Value> want = null;
        if (o.get("want_result") instanceof ArrayValue a) want = a.elements();
        return new ConformanceCase(file, topic, str(o, "note"), str(o, "query"), modules, o.get("data"), o.get("input"),
                str(o, "input_term"), want, str(o, "want_error"), str(o, "want_error_code"), bool(o, "strict_error"),
                bool(o, "sort_bindings"), bool(o, "ignore_generated_vars"));
    }

    private static String str(ObjectValue o, String k) {
        return o.get(k) instanceof StringValue s ? s.value() : null;
    }

    private static boolean bool(ObjectValue o, String k) {
        return o.get(k) instanceof dev.airlock.policy.value.BoolValue b && b.value();
    }

    /** Runs one case; never throws. */
    public CaseResult run(ConformanceCase c) {
        try {
            return runUnchecked(c);
        } catch (RegoException e) {
            return new CaseResult(c, false, "unexpected error: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return new CaseResult(c, false, "crash: " + e);
        }
    }

    private CaseResult runUnchecked(ConformanceCase c) {
        boolean wantsError = c.wantError() != null || c.wantErrorCode() != null;
        Map<String, String> modules = new LinkedHashMap<>();
        for (int i = 0; i < c.modules().size(); i++) modules.put("test-" + i + ".rego", c.modules().get(i));
        Value input = c.input();
        if (c.inputTerm() != null) {
            Parser.Result<Term> t = Parser.parseTerm(c.inputTerm());
            if (!t.ok()) return new CaseResult(c, false, "cannot parse input_term: " + t.errors());
            input = Terms.groundValue(t.value());
            if (input == null) return new CaseResult(c, false, "input_term is not ground");
        }
        List<Map<String, Value>> rows;
        try {
            EvalOptions opts = EvalOptions.DEFAULT.withStrict(c.strictError()).withLimits(limits);
            EmbeddedEngine engine = EmbeddedEngine.build(modules, c.data(), false, builtins, opts);
            CompiledQuery q = engine.prepare(c.query(), false);
            rows = engine.run(q, input, opts);
        } catch (RegoException e) {
            if (!wantsError) return new CaseResult(c, false, "unexpected error: " + e.getMessage());
            return matchError(c, e.errors());
        }
        if (wantsError) {
            return new CaseResult(c, false, "expected error " + (c.wantErrorCode() == null ? "" : c.wantErrorCode() + ": ")
                    + c.wantError() + " but got " + rows.size() + " result(s): " + render(rows));
        }
        TreeSet<Value> got = new TreeSet<>();
        for (Map<String, Value> r : rows) got.add(binding(r, c));
        TreeSet<Value> want = new TreeSet<>();
        if (c.wantResult() != null) {
            for (Value w : c.wantResult()) want.add(normalize((ObjectValue) w, c));
        }
        if (got.equals(want)) return new CaseResult(c, true, "");
        return new CaseResult(c, false, "want: " + Values.toRegoText(dev.airlock.policy.value.SetValue.of(want))
                + "\n got: " + Values.toRegoText(dev.airlock.policy.value.SetValue.of(got)));
    }

    private static String render(List<Map<String, Value>> rows) {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Value> r : rows) sb.append(ObjectValue.of(toValues(r)));
        return sb.length() > 300 ? sb.substring(0, 300) + "..." : sb.toString();
    }

    private static Map<Value, Value> toValues(Map<String, Value> r) {
        Map<Value, Value> m = new TreeMap<>();
        r.forEach((k, v) -> m.put(StringValue.of(k), v));
        return m;
    }

    private static Value binding(Map<String, Value> row, ConformanceCase c) {
        TreeMap<Value, Value> m = new TreeMap<>();
        for (Map.Entry<String, Value> e : row.entrySet()) {
            if (c.ignoreGeneratedVars() && e.getKey().startsWith("__")) continue;
            Value v = e.getValue();
            m.put(StringValue.of(e.getKey()), v);
        }
        return normalize(ObjectValue.wrap(m), c);
    }

    /** JSON round trip (sets become arrays, as in OPA's JSON results), then optional sorting of arrays. */
    private static Value normalize(ObjectValue o, ConformanceCase c) {
        TreeMap<Value, Value> m = new TreeMap<>();
        for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
            Value v;
            try {
                v = Json.parse(Json.write(e.getValue()));
            } catch (Json.ParseException ex) {
                v = e.getValue();
            }
            if (c.sortBindings() && v instanceof ArrayValue a) {
                List<Value> items = new ArrayList<>(a.elements());
                items.sort(null);
                v = new ArrayValue(items);
            }
            m.put(e.getKey(), v);
        }
        return ObjectValue.wrap(m);
    }

    private static CaseResult matchError(ConformanceCase c, List<RegoError> errors) {
        for (RegoError e : errors) {
            boolean codeOk = c.wantErrorCode() == null || c.wantErrorCode().equals(e.code());
            String full = (e.location().row() > 0 ? e.location().file() + ":" + e.location().row() + ": " : "")
                    + e.code() + ": " + e.message();
            boolean msgOk = c.wantError() == null || full.contains(c.wantError()) || e.message().contains(c.wantError());
            if (codeOk && msgOk) return new CaseResult(c, true, "");
        }
        return new CaseResult(c, false, "want error " + (c.wantErrorCode() == null ? "" : c.wantErrorCode() + ": ")
                + c.wantError() + "\n got: " + errors);
    }
}
