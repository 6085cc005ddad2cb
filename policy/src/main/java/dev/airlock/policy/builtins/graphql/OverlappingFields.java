package dev.airlock.policy.builtins.graphql;

import dev.airlock.policy.builtins.graphql.Ast.*;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A reduced OverlappingFieldsCanBeMerged: within one selection set (fragments flattened), two
 * fields with the same response name must be the same field with the same arguments unless their
 * parents are distinct object types, and must not return conflicting types. Conflicts between
 * sub-selections of such fields are not compared.
 */
final class OverlappingFields {
    private OverlappingFields() {}

    static void check(Schema schema, Schema.Type parent, List<Selection> selections,
            Map<String, FragmentDefinition> fragments, BiConsumer<Position, String> error) {
        if (selections.isEmpty()) return;
        var byName = QueryValidator.responseNames(schema, parent, selections, fragments);
        for (var e : byName.entrySet()) {
            List<QueryValidator.Located> fields = distinct(e.getValue());
            for (int i = 0; i < fields.size(); i++) {
                for (int j = i + 1; j < fields.size(); j++) {
                    String reason = conflict(schema, fields.get(i), fields.get(j));
                    if (reason != null) {
                        error.accept(fields.get(i).field().position(), "Fields \"" + e.getKey() + "\" conflict because "
                                + reason + ". Use different aliases on the fields to fetch both if this was intentional.");
                        return;
                    }
                }
            }
        }
    }

    /** Drops repeats of the same field (same parent, name, arguments): they cannot conflict. */
    private static List<QueryValidator.Located> distinct(List<QueryValidator.Located> fields) {
        Map<String, QueryValidator.Located> byKey = new java.util.LinkedHashMap<>();
        for (QueryValidator.Located l : fields) {
            StringBuilder key = new StringBuilder(l.parent() == null ? "" : l.parent().name).append('\0')
                    .append(l.field().name());
            for (Argument a : l.field().arguments()) {
                key.append('\0').append(a.name()).append('=').append(QueryValidator.show(a.value()));
            }
            byKey.putIfAbsent(key.toString(), l);
        }
        return List.copyOf(byKey.values());
    }

    private static String conflict(Schema schema, QueryValidator.Located a, QueryValidator.Located b) {
        boolean exclusive = a.parent() != null && b.parent() != null && a.parent() != b.parent()
                && a.parent().kind.equals(Ast.OBJECT_KIND) && b.parent().kind.equals(Ast.OBJECT_KIND);
        if (!exclusive) {
            if (!a.field().name().equals(b.field().name())) {
                return a.field().name() + " and " + b.field().name() + " are different fields";
            }
            if (!sameArguments(a.field().arguments(), b.field().arguments())) return "they have differing arguments";
        }
        if (a.def() != null && b.def() != null && typesConflict(schema, a.def().type(), b.def().type())) {
            return "they return conflicting types \"" + a.def().type() + "\" and \"" + b.def().type() + "\"";
        }
        return null;
    }

    private static boolean sameArguments(List<Argument> x, List<Argument> y) {
        if (x.size() != y.size()) return false;
        outer:
        for (Argument a : x) {
            for (Argument b : y) {
                if (a.name().equals(b.name())) {
                    if (!QueryValidator.show(a.value()).equals(QueryValidator.show(b.value()))) return false;
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private static boolean typesConflict(Schema schema, TypeRef t1, TypeRef t2) {
        if (t1.elem() != null || t2.elem() != null) {
            if (t1.elem() == null || t2.elem() == null || t1.nonNull() != t2.nonNull()) return true;
            return typesConflict(schema, t1.elem(), t2.elem());
        }
        if (t1.nonNull() != t2.nonNull()) return true;
        Schema.Type d1 = schema.type(t1.namedType());
        Schema.Type d2 = schema.type(t2.namedType());
        if ((d1 != null && d1.isLeaf()) || (d2 != null && d2.isLeaf())) return !t1.namedType().equals(t2.namedType());
        return false;
    }
}
