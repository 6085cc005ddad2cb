package dev.airlock.cli;

import dev.airlock.policy.PolicyBundle;
import dev.airlock.policy.EmbeddedEngine;
import dev.airlock.policy.EvalOptions;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.compile.CompiledRule;
import dev.airlock.policy.compile.RuleNode;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code airlock policy test}: runs every {@code test_} rule, like {@code opa test}. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run Rego tests: every rule named test_* under PATH; exit 0 only when all pass.",
            "Loads .rego files and data.json/data.yaml files."})
final class PolicyTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories to load.")
    List<Path> paths;

    @Option(names = "--v0-compatible", description = "Parse policies with pre-1.0 Rego syntax (p { ... }, p[x] { ... }).")
    boolean v0;

    @Option(names = {"-v", "--verbose"}, description = "Show print() output of every test, not only failing ones.")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EmbeddedEngine engine;
        try {
            PolicyBundle files = PolicyBundle.load(paths);
            engine = EmbeddedEngine.build(files.modules(), files.data(), v0, BuiltinRegistry.standard(), EvalOptions.DEFAULT);
        } catch (RegoException e) {
            PolicyBundle.printErrors(err, e);
            return 1;
        }
        List<RuleNode> tests = new ArrayList<>();
        collectTests(engine.policy().root(), tests);
        int pass = 0;
        int fail = 0;
        int error = 0;
        for (RuleNode t : tests) {
            List<String> printed = new ArrayList<>();
            EvalOptions opts = EvalOptions.DEFAULT.withPrint(printed::add);
            long start = System.nanoTime();
            String status;
            String detail = null;
            try {
                List<Map<String, Value>> rows = engine.run(engine.prepare("x = " + t.name(), false), null, opts);
                boolean ok = !rows.isEmpty() && rows.stream().allMatch(r -> r.get("x") != BoolValue.FALSE);
                status = ok ? "PASS" : "FAIL";
            } catch (RegoException e) {
                status = "ERROR";
                detail = e.errors().getFirst().toString();
            }
            double ms = (System.nanoTime() - start) / 1e6;
            out.printf("%s: %s (%.1fms)%n", t.name(), status, ms);
            if (detail != null) out.println("  " + detail);
            if (!status.equals("PASS") || verbose) for (String p : printed) out.println("  " + p);
            switch (status) {
                case "PASS" -> pass++;
                case "FAIL" -> fail++;
                default -> error++;
            }
        }
        int total = tests.size();
        out.println("--------------------------------------------------------------------------------");
        if (pass > 0) out.println("PASS: " + pass + "/" + total);
        if (fail > 0) out.println("FAIL: " + fail + "/" + total);
        if (error > 0) out.println("ERROR: " + error + "/" + total);
        if (total == 0) out.println("no tests found (rules named test_* under " + paths + ")");
        return fail == 0 && error == 0 && total > 0 ? 0 : 1;
    }

    private static void collectTests(RuleNode n, List<RuleNode> out) {
        if (n.hasRules() && !n.path().isEmpty() && n.path().getLast().startsWith("test_")) {
            CompiledRule.Kind k = n.rules().getFirst().kind();
            if (k == CompiledRule.Kind.COMPLETE) out.add(n);
        }
        for (RuleNode c : n.children().values()) collectTests(c, out);
    }
}
