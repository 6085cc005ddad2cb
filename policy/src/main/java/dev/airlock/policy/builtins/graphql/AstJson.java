package dev.airlock.policy.builtins.graphql;

import dev.airlock.policy.builtins.graphql.Ast.*;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The AST as OPA returns it: gqlparser's structs marshalled to JSON with Go's field names, then
 * pruned of {@code Position}, nulls and empty arrays/objects (empty strings, {@code false} and
 * {@code 0} stay). Source positions and the validator's back-references never appear.
 */
public final class AstJson {
    private AstJson() {}

    /** Builds one JSON object, dropping the entries OPA's pruning would drop. */
    private static final class Obj {
        private final TreeMap<Value, Value> m = new TreeMap<>();

        Obj put(String key, Value v) {
            if (v == null) return this;
            if (v instanceof ArrayValue a && a.size() == 0) return this;
            if (v instanceof ObjectValue o && o.size() == 0) return this;
            m.put(StringValue.of(key), v);
            return this;
        }

        Obj put(String key, String s) {
            return put(key, StringValue.of(s));
        }

        Obj put(String key, boolean b) {
            return put(key, BoolValue.of(b));
        }

        ObjectValue build() {
            return ObjectValue.wrap(m);
        }
    }

    private static <T> ArrayValue list(List<T> xs, Function<T, Value> f) {
        List<Value> out = new ArrayList<>(xs.size());
        for (T x : xs) {
            Value v = f.apply(x);
            if (v instanceof ObjectValue o && o.size() == 0) continue;
            out.add(v);
        }
        return new ArrayValue(out);
    }

    private static ArrayValue strings(List<String> xs) {
        return list(xs, StringValue::of);
    }

    // ---- query documents ----

    public static ObjectValue query(QueryDocument d) {
        return new Obj().put("Operations", list(d.operations(), AstJson::operation))
                .put("Fragments", list(d.fragments(), AstJson::fragment)).build();
    }

    private static Value operation(OperationDefinition o) {
        return new Obj().put("Operation", o.operation()).put("Name", o.name())
                .put("VariableDefinitions", list(o.variableDefinitions(), AstJson::variable))
                .put("Directives", list(o.directives(), AstJson::directive))
                .put("SelectionSet", list(o.selectionSet(), AstJson::selection)).build();
    }

    private static Value variable(VariableDefinition v) {
        return new Obj().put("Variable", v.variable()).put("Type", type(v.type()))
                .put("DefaultValue", value(v.defaultValue()))
                .put("Directives", list(v.directives(), AstJson::directive)).put("Used", false).build();
    }

    private static Value fragment(FragmentDefinition f) {
        return new Obj().put("Name", f.name()).put("VariableDefinition", list(f.variableDefinition(), AstJson::variable))
                .put("TypeCondition", f.typeCondition()).put("Directives", list(f.directives(), AstJson::directive))
                .put("SelectionSet", list(f.selectionSet(), AstJson::selection)).build();
    }

    private static Value selection(Selection s) {
        return switch (s) {
            case Field f -> new Obj().put("Alias", f.alias()).put("Name", f.name())
                    .put("Arguments", list(f.arguments(), AstJson::argument))
                    .put("Directives", list(f.directives(), AstJson::directive))
                    .put("SelectionSet", list(f.selectionSet(), AstJson::selection)).build();
            case FragmentSpread f -> new Obj().put("Name", f.name())
                    .put("Directives", list(f.directives(), AstJson::directive)).build();
            case InlineFragment f -> new Obj().put("TypeCondition", f.typeCondition())
                    .put("Directives", list(f.directives(), AstJson::directive))
                    .put("SelectionSet", list(f.selectionSet(), AstJson::selection)).build();
        };
    }

    private static Value argument(Argument a) {
        return new Obj().put("Name", a.name()).put("Value", value(a.value())).build();
    }

    private static Value directive(Directive d) {
        return new Obj().put("Name", d.name()).put("Arguments", list(d.arguments(), AstJson::argument))
                .put("Location", "").build();
    }

    private static Value type(TypeRef t) {
        if (t == null) return null;
        return new Obj().put("NamedType", t.namedType()).put("Elem", type(t.elem())).put("NonNull", t.nonNull()).build();
    }

    private static Value value(ValueNode v) {
        if (v == null) return null;
        return new Obj().put("Raw", v.raw())
                .put("Children", list(v.children(), c -> new Obj().put("Name", c.name()).put("Value", value(c.value())).build()))
                .put("Kind", NumberValue.of(v.kind())).put("ExpectedTypeHasDefault", false).build();
    }

    // ---- schema documents ----

    public static ObjectValue schema(SchemaDocument d) {
        return new Obj().put("Schema", list(d.schema(), AstJson::schemaDefinition))
                .put("SchemaExtension", list(d.schemaExtension(), AstJson::schemaDefinition))
                .put("Directives", list(d.directives(), AstJson::directiveDefinition))
                .put("Definitions", list(d.definitions(), AstJson::definition))
                .put("Extensions", list(d.extensions(), AstJson::definition)).build();
    }

    private static Value schemaDefinition(SchemaDefinition s) {
        return new Obj().put("Description", s.description()).put("Directives", list(s.directives(), AstJson::directive))
                .put("OperationTypes", list(s.operationTypes(),
                        o -> new Obj().put("Operation", o.operation()).put("Type", o.type()).build()))
                .build();
    }

    private static Value directiveDefinition(DirectiveDefinition d) {
        return new Obj().put("Description", d.description()).put("Name", d.name())
                .put("Arguments", list(d.arguments(), AstJson::argumentDefinition))
                .put("Locations", strings(d.locations())).put("IsRepeatable", d.isRepeatable()).build();
    }

    private static Value definition(Definition d) {
        return new Obj().put("Kind", d.kind()).put("Description", d.description()).put("Name", d.name())
                .put("Directives", list(d.directives(), AstJson::directive)).put("Interfaces", strings(d.interfaces()))
                .put("Fields", list(d.fields(), AstJson::fieldDefinition)).put("Types", strings(d.types()))
                .put("EnumValues", list(d.enumValues(), e -> new Obj().put("Description", e.description())
                        .put("Name", e.name()).put("Directives", list(e.directives(), AstJson::directive)).build()))
                .put("BuiltIn", d.builtIn()).build();
    }

    private static Value fieldDefinition(FieldDefinition f) {
        return new Obj().put("Description", f.description()).put("Name", f.name())
                .put("Arguments", list(f.arguments(), AstJson::argumentDefinition))
                .put("DefaultValue", value(f.defaultValue())).put("Type", type(f.type()))
                .put("Directives", list(f.directives(), AstJson::directive)).build();
    }

    private static Value argumentDefinition(ArgumentDefinition a) {
        return new Obj().put("Description", a.description()).put("Name", a.name())
                .put("DefaultValue", value(a.defaultValue())).put("Type", type(a.type()))
                .put("Directives", list(a.directives(), AstJson::directive)).build();
    }
}
