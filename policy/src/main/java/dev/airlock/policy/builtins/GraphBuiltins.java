package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.setOf;

import dev.airlock.policy.types.Type;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;

/** Graphs as objects of node to neighbours: graph.reachable and graph.reachable_paths. (walk is evaluator-owned.) */
public final class GraphBuiltins {
    private GraphBuiltins() {}

    /** Most paths graph.reachable_paths returns before refusing (the count can grow exponentially). */
    public static final int MAX_PATHS = 100_000;

    private static final Type GRAPH = objectOf(A, anyOf(arrayOf(A), setOf(A)));
    private static final Type NODES = anyOf(arrayOf(A), setOf(A));

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("graph.reachable", func(args(GRAPH, NODES), setOf(A)),
                        "The nodes reachable from the initial nodes (those in the graph), including them",
                        (ctx, a) -> {
                            ObjectValue graph = Operands.object(a, 1);
                            TreeSet<Value> reached = new TreeSet<>();
                            Deque<Value> queue = new ArrayDeque<>();
                            for (Value n : Operands.arrayOrSet(a, 2)) {
                                if (graph.get(n) != null && reached.add(n)) queue.add(n);
                            }
                            while (!queue.isEmpty()) {
                                for (Value next : neighbours(graph, queue.poll())) {
                                    if (graph.get(next) != null && reached.add(next)) queue.add(next);
                                }
                            }
                            return SetValue.wrap(reached);
                        }),
                Builtin.of("graph.reachable_paths", func(args(GRAPH, NODES), setOf(arrayOf(A))),
                        "Every maximal path from the initial nodes, stopping before a node already on the path",
                        (ctx, a) -> {
                            ObjectValue graph = Operands.object(a, 1);
                            TreeSet<Value> paths = new TreeSet<>();
                            for (Value n : Operands.arrayOrSet(a, 2)) {
                                if (graph.get(n) != null) {
                                    LinkedHashSet<Value> path = new LinkedHashSet<>();
                                    path.add(n);
                                    paths(graph, n, path, paths);
                                }
                            }
                            return SetValue.wrap(paths);
                        }));
    }

    private static Collection<Value> neighbours(ObjectValue graph, Value node) throws BuiltinException {
        return switch (graph.get(node)) {
            case ArrayValue arr -> arr.elements();
            case SetValue set -> set.elements();
            case NullValue n -> List.of();
            case null -> List.of();
            default -> throw BuiltinException.type("operand 1 must be object[any: any<array[any], set[any]>] but got a node with "
                    + graph.get(node).typeName() + " neighbours");
        };
    }

    private static void paths(ObjectValue graph, Value node, LinkedHashSet<Value> path, TreeSet<Value> out) throws BuiltinException {
        boolean extended = false;
        for (Value next : neighbours(graph, node)) {
            if (graph.get(next) == null || path.contains(next)) continue;
            extended = true;
            path.add(next);
            paths(graph, next, path, out);
            path.remove(next);
        }
        if (!extended) {
            if (out.size() >= MAX_PATHS) throw BuiltinException.error("more than " + MAX_PATHS + " paths");
            out.add(new ArrayValue(new ArrayList<>(path)));
        }
    }
}
