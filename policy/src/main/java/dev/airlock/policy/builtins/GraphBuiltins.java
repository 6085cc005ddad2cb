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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
                        "Paths from the initial nodes, each ending where the walk meets a node reached before or leaves the graph",
                        (ctx, a) -> {
                            ObjectValue graph = Operands.object(a, 1);
                            TreeSet<Value> paths = new TreeSet<>();
                            for (Value n : Operands.arrayOrSet(a, 2)) {
                                if (graph.get(n) == null) continue;
                                Collection<Value> edges = neighbours(graph, n);
                                if (edges.isEmpty()) {
                                    paths.add(ArrayValue.of(n));
                                    continue;
                                }
                                for (Value next : edges) {
                                    Set<Value> reached = new HashSet<>();
                                    reached.add(n);
                                    paths(graph, next, List.of(n), paths, reached);
                                }
                            }
                            return SetValue.wrap(paths);
                        }));
    }

    /**
     * OPA's path builder: the set of reached nodes is shared by the whole walk from one
     * neighbour of an initial node, so a node met again (by any branch) ends the path before
     * it; a node outside the graph ends the path without it.
     */
    private static void paths(ObjectValue graph, Value node, List<Value> path, TreeSet<Value> out, Set<Value> reached)
            throws BuiltinException {
        if (out.size() >= MAX_PATHS) throw BuiltinException.error("more than " + MAX_PATHS + " paths");
        if (graph.get(node) == null) {
            out.add(new ArrayValue(path));
            return;
        }
        List<Value> with = new ArrayList<>(path);
        with.add(node);
        Collection<Value> edges = neighbours(graph, node);
        if (edges.isEmpty()) {
            out.add(new ArrayValue(with));
            return;
        }
        for (Value next : edges) {
            if (reached.contains(next)) {
                out.add(new ArrayValue(with));
            } else {
                reached.add(node);
                paths(graph, next, with, out, reached);
            }
        }
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

}
