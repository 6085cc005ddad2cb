package dev.airlock.cli;

import dev.airlock.policy.PolicyBundle;
import dev.airlock.policy.EmbeddedEngine;
import dev.airlock.policy.EvalOptions;
import dev.airlock.policy.ast.Expr;
import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.compile.CompiledQuery;
import dev.airlock.policy.topdown.QueryResult;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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

/** {@code airlock policy eval}: evaluates a query and prints OPA-shaped JSON results. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a Rego query against policies, data and input; print the results as JSON (as opa eval does).")
final class PolicyEvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "QUERY", description = "The query, e.g. data.airlock.egress.decision")
    String query;

    @Option(names = {"-d", "--data"}, paramLabel = "PATH", description = "Policy or data file or directory (repeatable).")
    List<Path> data = new ArrayList<>();

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Input document (JSON or YAML).")
    Path input;

    @Option(names = "--v0-compatible", description = "Parse policies and the query with pre-1.0 Rego syntax.")
    boolean v0;

    @Option(names = "--strict-builtin-errors", description = "Stop on the first builtin error instead of treating it as undefined.")
    boolean strict;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            PolicyBundle files = PolicyBundle.load(data);
            Value in = null;
            if (input != null) {
                List<RegoError> errors = new ArrayList<>();
                if (!Files.isRegularFile(input)) {
                    throw new RegoException(RegoError.INVALID_INPUT, "input file not found: " + input, Location.NONE);
                }
                in = PolicyBundle.readDoc(input, errors);
                if (!errors.isEmpty()) throw new RegoException(errors);
            }
            EvalOptions opts = EvalOptions.DEFAULT.withStrict(strict).withPrint(s -> err.println(s));
            EmbeddedEngine engine = EmbeddedEngine.build(files.modules(), files.data(), v0, BuiltinRegistry.standard(), opts);
            CompiledQuery q = engine.prepare(query, v0);
            List<QueryResult> rows = engine.runWithExpressions(q, in, opts);
            out.println(render(q, rows));
            return 0;
        } catch (RegoException e) {
            PolicyBundle.printErrors(err, e);
            return 1;
        }
    }

    private String render(CompiledQuery q, List<QueryResult> rows) {
        List<Expr> inOrder = new ArrayList<>(q.body());
        inOrder.sort(java.util.Comparator.comparingInt((Expr e) -> e.location().row()).thenComparingInt(e -> e.location().col()));
        StringBuilder sb = new StringBuilder("{");
        if (!rows.isEmpty()) {
            sb.append("\"result\":[");
            for (int r = 0; r < rows.size(); r++) {
                if (r > 0) sb.append(',');
                QueryResult row = rows.get(r);
                sb.append("{\"expressions\":[");
                for (int i = 0; i < inOrder.size(); i++) {
                    if (i > 0) sb.append(',');
                    Expr e = inOrder.get(i);
                    String text = inOrder.size() == 1 ? query.strip() : e.toString();
                    sb.append("{\"value\":");
                    Json.write(sb, row.expressionValues().get(i));
                    sb.append(",\"text\":");
                    Json.quote(sb, text);
                    sb.append(",\"location\":{\"row\":").append(e.location().row()).append(",\"col\":")
                            .append(e.location().col()).append("}}");
                }
                sb.append(']');
                if (!row.bindings().isEmpty()) {
                    sb.append(",\"bindings\":{");
                    boolean first = true;
                    for (Map.Entry<String, Value> b : row.bindings().entrySet()) {
                        if (!first) sb.append(',');
                        first = false;
                        Json.quote(sb, b.getKey());
                        sb.append(':');
                        Json.write(sb, b.getValue());
                    }
                    sb.append('}');
                }
                sb.append('}');
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }
}
