package dev.airlock.policy.builtins.graphql;

import dev.airlock.policy.builtins.graphql.Ast.*;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a query document against a schema with the rules gqlparser runs (the graphql-js
 * specification rules) and their messages. Like gqlparser's walker, it visits operations then
 * fragment definitions, walks a fragment's selections only at its first spread, checks a node
 * after its children, and reports errors in the order found.
 */
public final class QueryValidator {
    private final Schema schema;
    private final QueryDocument doc;
    private final List<GraphQLError> errors = new ArrayList<>();
    private final Map<String, FragmentDefinition> fragments = new HashMap<>();
    private final Set<String> walkedFragments = new HashSet<>();
    private final Set<String> usedFragments = new HashSet<>();
    private OperationDefinition operation;
    private Set<String> usedVariables;
    /** Selection-set nesting (through fragment spreads too), bounded by {@link Parser#MAX_DEPTH}. */
    private int depth;
    private boolean tooDeep;

    private QueryValidator(Schema schema, QueryDocument doc) {
        this.schema = schema;
        this.doc = doc;
        for (FragmentDefinition f : doc.fragments()) fragments.putIfAbsent(f.name(), f);
    }

    /** All validation errors, in gqlparser's order; empty when the query is valid. */
    public static List<GraphQLError> validate(Schema schema, QueryDocument doc) {
        QueryValidator v = new QueryValidator(schema, doc);
        v.run();
        return v.errors;
    }

    private void error(Position pos, String message) {
        errors.add(new GraphQLError(pos, message));
    }

    private void run() {
        Set<String> operationNames = new HashSet<>();
        for (OperationDefinition op : doc.operations()) {
            walkOperation(op);
            checkOperation(op, operationNames);
        }
        Set<String> fragmentNames = new HashSet<>();
        for (FragmentDefinition f : doc.fragments()) {
            operation = null;
            usedVariables = null;
            Schema.Type t = schema.type(f.typeCondition());
            walkDirectives(f.directives(), "FRAGMENT_DEFINITION");
            walkSelectionSet(t, f.selectionSet());
            checkFragment(f, t, fragmentNames);
        }
    }

    // ---- walking ----

    private Schema.Type rootType(String op) {
        return switch (op) {
            case "mutation" -> schema.mutation;
            case "subscription" -> schema.subscription;
            default -> schema.query;
        };
    }

    private void walkOperation(OperationDefinition op) {
        operation = op;
        usedVariables = new HashSet<>();
        walkVariableDefinitions(op.variableDefinitions());
        String location = switch (op.operation()) {
            case "mutation" -> "MUTATION";
            case "subscription" -> "SUBSCRIPTION";
            default -> "QUERY";
        };
        walkDirectives(op.directives(), location);
        walkSelectionSet(rootType(op.operation()), op.selectionSet());
    }

    private void walkVariableDefinitions(List<VariableDefinition> vars) {
        for (VariableDefinition v : vars) {
            Schema.Type t = schema.type(v.type().name());
            if (t == null) {
                error(v.position(), "Unknown type \"" + v.type().name() + "\".");
            } else if (!t.isInputType()) {
                error(v.position(), "Variable \"$" + v.variable() + "\" cannot be non-input type \"" + v.type() + "\".");
            }
        }
        for (VariableDefinition v : vars) {
            if (v.defaultValue() != null) walkValue(v.defaultValue(), v.type());
            walkDirectives(v.directives(), "VARIABLE_DEFINITION");
        }
    }

    private void walkSelectionSet(Schema.Type parent, List<Selection> selections) {
        if (depth >= Parser.MAX_DEPTH) {
            if (!tooDeep && !selections.isEmpty()) {
                error(selections.getFirst().position(), "Selections nest more than " + Parser.MAX_DEPTH + " levels deep.");
            }
            tooDeep = true;
            return;
        }
        depth++;
        try {
            walkSelections(parent, selections);
        } finally {
            depth--;
        }
    }

    private void walkSelections(Schema.Type parent, List<Selection> selections) {
        for (Selection s : selections) {
            switch (s) {
                case Field f -> walkField(parent, f);
                case InlineFragment f -> walkInlineFragment(parent, f);
                case FragmentSpread f -> walkFragmentSpread(parent, f);
            }
        }
    }

    private FieldDefinition fieldDefinition(Schema.Type parent, String name) {
        if (name.equals("__typename")) {
            return new FieldDefinition("", "__typename", List.of(), null, new TypeRef("String", null, true, null),
                    List.of(), null);
        }
        return parent == null ? null : parent.field(name);
    }

    private void walkField(Schema.Type parent, Field f) {
        FieldDefinition def = fieldDefinition(parent, f.name());
        Schema.Type next = def == null ? null : schema.type(def.type().name());
        for (Argument a : f.arguments()) {
            ArgumentDefinition ad = def == null ? null : Schema.argument(def.arguments(), a.name());
            walkValue(a.value(), ad == null ? null : ad.type());
        }
        walkDirectives(f.directives(), "FIELD");
        walkSelectionSet(next, f.selectionSet());
        checkField(parent, f, def);
    }

    private void walkInlineFragment(Schema.Type parent, InlineFragment f) {
        Schema.Type next = f.typeCondition().isEmpty() ? parent : schema.type(f.typeCondition());
        walkDirectives(f.directives(), "INLINE_FRAGMENT");
        walkSelectionSet(next, f.selectionSet());
        if (!f.typeCondition().isEmpty()) {
            Schema.Type t = schema.type(f.typeCondition());
            if (t == null) {
                error(f.position(), "Unknown type \"" + f.typeCondition() + "\".");
            } else if (!t.isComposite()) {
                error(f.position(), "Fragment cannot condition on non composite type \"" + f.typeCondition() + "\".");
            }
            if (!canSpread(parent, f.typeCondition())) {
                error(f.position(), "Fragment cannot be spread here as objects of type \"" + parent.name
                        + "\" can never be of type \"" + f.typeCondition() + "\".");
            }
        }
    }

    private void walkFragmentSpread(Schema.Type parent, FragmentSpread s) {
        FragmentDefinition def = fragments.get(s.name());
        Schema.Type next = def == null ? null : schema.type(def.typeCondition());
        walkDirectives(s.directives(), "FRAGMENT_SPREAD");
        if (operation != null) usedFragments.add(s.name());
        if (def != null && walkedFragments.add(def.name())) walkSelectionSet(next, def.selectionSet());
        if (def == null) {
            error(s.position(), "Unknown fragment \"" + s.name() + "\".");
        } else if (!canSpread(parent, def.typeCondition())) {
            error(s.position(), "Fragment \"" + s.name() + "\" cannot be spread here as objects of type \""
                    + parent.name + "\" can never be of type \"" + def.typeCondition() + "\".");
        }
    }

    /** PossibleFragmentSpreads: true unless the two types provably share no object type. */
    private boolean canSpread(Schema.Type parent, String typeCondition) {
        if (parent == null || !(parent.isComposite())) return true;
        Schema.Type frag = schema.type(typeCondition);
        if (frag == null || !frag.isComposite()) return true;
        List<Schema.Type> parents = schema.possibleTypes(parent);
        for (Schema.Type f : schema.possibleTypes(frag)) {
            for (Schema.Type p : parents) if (p.name.equals(f.name)) return true;
        }
        return false;
    }

    private void walkDirectives(List<Directive> dirs, String location) {
        Map<String, Integer> seen = new HashMap<>();
        for (Directive d : dirs) {
            DirectiveDefinition def = schema.directives.get(d.name());
            for (Argument a : d.arguments()) {
                ArgumentDefinition ad = def == null ? null : Schema.argument(def.arguments(), a.name());
                walkValue(a.value(), ad == null ? null : ad.type());
            }
            if (def == null) {
                error(d.position(), "Unknown directive \"@" + d.name() + "\".");
                continue;
            }
            if (!def.locations().contains(location)) {
                error(d.position(), "Directive \"@" + d.name() + "\" may not be used on " + location + ".");
            }
            checkArguments(d.arguments(), def.arguments(), d.position(),
                    a -> "Unknown argument \"" + a + "\" on directive \"@" + d.name() + "\"."
                            + Suggestions.hint("Did you mean", a, def.arguments().stream().map(ArgumentDefinition::name).toList()),
                    (a, t) -> "Directive \"@" + d.name() + "\" argument \"" + a + "\" of type \"" + t
                            + "\" is required, but it was not provided.");
        }
        for (Directive d : dirs) {
            DirectiveDefinition def = schema.directives.get(d.name());
            if (def != null && def.isRepeatable()) continue;
            if (seen.merge(d.name(), 1, Integer::sum) == 2) {
                error(d.position(), "The directive \"@" + d.name() + "\" can only be used once at this location.");
            }
        }
    }

    private interface Message2 {
        String of(String a, String b);
    }

    /** KnownArgumentNames, ProvidedRequiredArguments and UniqueArgumentNames for one call site. */
    private void checkArguments(List<Argument> given, List<ArgumentDefinition> defs, Position pos,
            java.util.function.Function<String, String> unknown, Message2 missing) {
        for (Argument a : given) {
            if (Schema.argument(defs, a.name()) == null) error(a.position(), unknown.apply(a.name()));
        }
        for (ArgumentDefinition ad : defs) {
            if (!ad.type().nonNull() || ad.defaultValue() != null) continue;
            boolean provided = false;
            for (Argument a : given) provided |= a.name().equals(ad.name());
            if (!provided) error(pos, missing.of(ad.name(), ad.type().toString()));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (Argument a : given) {
            if (seen.merge(a.name(), 1, Integer::sum) == 2) {
                error(a.position(), "There can be only one argument named \"" + a.name() + "\".");
            }
        }
    }

    // ---- values (ValuesOfCorrectType, NoUndefinedVariables, VariablesInAllowedPosition) ----

    private void walkValue(ValueNode v, TypeRef expected) {
        if (v == null) return;
        VariableDefinition varDef = null;
        if (v.kind() == Ast.VARIABLE && operation != null) {
            varDef = variable(operation, v.raw());
            if (varDef != null) usedVariables.add(v.raw());
        }
        Schema.Type def = expected == null ? null : schema.type(expected.name());
        if (v.kind() == Ast.OBJECT) {
            for (ChildValue c : v.children()) {
                FieldDefinition fd = def == null ? null : def.field(c.name());
                walkValue(c.value(), fd == null ? null : fd.type());
            }
        } else if (v.kind() == Ast.LIST) {
            for (ChildValue c : v.children()) {
                walkValue(c.value(), expected != null && expected.elem() != null ? expected.elem() : null);
            }
        }
        if (v.kind() == Ast.VARIABLE && operation != null && varDef == null) {
            error(v.position(), operation.name().isEmpty() ? "Variable \"$" + v.raw() + "\" is not defined."
                    : "Variable \"$" + v.raw() + "\" is not defined by operation \"" + operation.name() + "\".");
        }
        if (v.kind() == Ast.OBJECT) {
            Set<String> seen = new HashSet<>();
            for (ChildValue c : v.children()) {
                if (!seen.add(c.name())) error(c.position(), "There can be only one input field named \"" + c.name() + "\".");
            }
        }
        if (def != null) checkValueType(v, expected, def);
        if (v.kind() == Ast.VARIABLE && expected != null && varDef != null && operation != null) {
            TypeRef want = expected;
            ValueNode dflt = varDef.defaultValue();
            if (dflt != null && dflt.kind() != Ast.NULL && want.nonNull()) {
                want = new TypeRef(want.namedType(), want.elem(), false, want.position());
            }
            if (!compatible(varDef.type(), want)) {
                error(v.position(), "Variable \"$" + v.raw() + "\" of type \"" + varDef.type()
                        + "\" used in position expecting type \"" + expected + "\".");
            }
        }
    }

    private static VariableDefinition variable(OperationDefinition op, String name) {
        for (VariableDefinition d : op.variableDefinitions()) if (d.variable().equals(name)) return d;
        return null;
    }

    private static boolean compatible(TypeRef t, TypeRef other) {
        if (!t.namedType().equals(other.namedType())) return false;
        if (t.elem() != null && other.elem() == null) return false;
        if (t.elem() != null && !compatible(t.elem(), other.elem())) return false;
        return !other.nonNull() || t.nonNull();
    }

    private void checkValueType(ValueNode v, TypeRef expected, Schema.Type def) {
        if (v.kind() == Ast.NULL && expected.nonNull()) {
            error(v.position(), "Expected value of type \"" + expected + "\", found " + show(v) + ".");
        }
        if (def.kind.equals(Ast.SCALAR) && !Set.of("Int", "Float", "String", "Boolean", "ID").contains(def.name)) return;
        switch (v.kind()) {
            case Ast.LIST -> {
                if (expected.elem() == null) unexpectedType(v, expected, def);
            }
            case Ast.INT -> {
                if (!isInt64(v.raw()) || !Set.of("Int", "Float", "ID").contains(def.name)) unexpectedType(v, expected, def);
            }
            case Ast.FLOAT -> {
                if (!def.name.equals("Float")) unexpectedType(v, expected, def);
            }
            case Ast.STRING, Ast.BLOCK -> {
                if (def.kind.equals(Ast.ENUM_KIND)) {
                    error(v.position(), "Enum \"" + expected + "\" cannot represent non-enum value: " + show(v) + "."
                            + Suggestions.hint("Did you mean the enum value", v.raw(), enumNames(def)));
                } else if (!def.name.equals("String") && !def.name.equals("ID")) {
                    unexpectedType(v, expected, def);
                }
            }
            case Ast.ENUM -> {
                if (!def.kind.equals(Ast.ENUM_KIND)) {
                    unexpectedType(v, expected, def);
                } else if (def.enumValues.stream().noneMatch(e -> e.name().equals(v.raw()))) {
                    error(v.position(), "Value \"" + v.raw() + "\" does not exist in \"" + expected + "\" enum."
                            + Suggestions.hint("Did you mean the enum value", v.raw(), enumNames(def)));
                }
            }
            case Ast.BOOLEAN -> {
                if (!def.name.equals("Boolean")) unexpectedType(v, expected, def);
            }
            case Ast.OBJECT -> {
                for (FieldDefinition f : def.fields) {
                    if (!f.type().nonNull() || f.defaultValue() != null) continue;
                    if (v.children().stream().noneMatch(c -> c.name().equals(f.name()))) {
                        error(v.position(), "Field \"" + def.name + "." + f.name() + "\" of required type \"" + f.type()
                                + "\" was not provided.");
                    }
                }
                for (ChildValue c : v.children()) {
                    if (def.field(c.name()) == null) {
                        error(c.position(), "Field \"" + c.name() + "\" is not defined by type \"" + def.name + "\"."
                                + Suggestions.hint("Did you mean", c.name(), def.fields.stream().map(FieldDefinition::name).toList()));
                    }
                }
            }
            default -> { }
        }
    }

    private static List<String> enumNames(Schema.Type def) {
        return def.enumValues.stream().map(EnumValueDefinition::name).toList();
    }

    /**
     * For an abstract parent, the types that do have the field (interfaces used most first); for
     * an object or interface, the similarly spelt fields.
     */
    private String fieldHint(Schema.Type parent, String name) {
        if (parent.kind.equals(Ast.INTERFACE) || parent.kind.equals(Ast.UNION)) {
            List<String> objects = new ArrayList<>();
            Map<String, Integer> interfaceUse = new LinkedHashMap<>();
            for (Schema.Type t : schema.possibleTypes(parent)) {
                if (t.field(name) == null) continue;
                objects.add(t.name);
                for (String i : t.interfaces) {
                    Schema.Type it = schema.type(i);
                    if (it != null && it.field(name) != null) interfaceUse.merge(i, 1, Integer::sum);
                }
            }
            List<String> types = new ArrayList<>(interfaceUse.keySet());
            types.addAll(objects);
            types.sort((a, b) -> {
                int diff = interfaceUse.getOrDefault(b, 0) - interfaceUse.getOrDefault(a, 0);
                return diff != 0 ? diff : a.compareTo(b);
            });
            if (!types.isEmpty()) {
                return Suggestions.quotedOr("Did you mean to use an inline fragment on", types);
            }
        }
        if (parent.kind.equals(Ast.OBJECT_KIND) || parent.kind.equals(Ast.INTERFACE)) {
            return Suggestions.hint("Did you mean", name, parent.fields.stream().map(FieldDefinition::name).toList());
        }
        return "";
    }

    private static boolean isInt64(String raw) {
        try {
            return new BigInteger(raw).bitLength() < 64;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void unexpectedType(ValueNode v, TypeRef expected, Schema.Type def) {
        String shown = show(v);
        String message = switch (expected.toString()) {
            case "Int", "Int!" -> outOfInt32(v) ? "Int cannot represent non 32-bit signed integer value: " + shown
                    : "Int cannot represent non-integer value: " + shown;
            case "String", "String!", "[String]" -> "String cannot represent a non string value: " + shown;
            case "Boolean", "Boolean!" -> "Boolean cannot represent a non boolean value: " + shown;
            case "Float", "Float!" -> "Float cannot represent non numeric value: " + shown;
            case "ID", "ID!" -> "ID cannot represent a non-string and non-integer value: " + shown;
            default -> def.kind.equals(Ast.ENUM_KIND)
                    ? "Enum \"" + expected + "\" cannot represent non-enum value: " + shown + "."
                    : "Expected value of type \"" + expected + "\", found " + shown + ".";
        };
        error(v.position(), message);
    }

    /** An integer literal beyond 32 bits (Go's {@code ParseInt(raw, 10, 32)} failing with ErrRange). */
    private static boolean outOfInt32(ValueNode v) {
        if (!v.raw().matches("[+-]?[0-9]+")) return false;
        return new BigInteger(v.raw()).bitLength() > 31;
    }

    /** gqlparser's {@code Value.String()}. */
    static String show(ValueNode v) {
        if (v == null) return "<nil>";
        return switch (v.kind()) {
            case Ast.VARIABLE -> "$" + v.raw();
            case Ast.STRING, Ast.BLOCK -> GoQuote.quote(v.raw());
            case Ast.LIST -> {
                List<String> xs = new ArrayList<>();
                for (ChildValue c : v.children()) xs.add(show(c.value()));
                yield "[" + String.join(",", xs) + "]";
            }
            case Ast.OBJECT -> {
                List<String> xs = new ArrayList<>();
                for (ChildValue c : v.children()) xs.add(c.name() + ":" + show(c.value()));
                yield "{" + String.join(",", xs) + "}";
            }
            default -> v.raw();
        };
    }

    // ---- per-node rules run after the node's children ----

    private void checkField(Schema.Type parent, Field f, FieldDefinition def) {
        if (parent != null && def == null) {
            error(f.position(), "Cannot query field \"" + f.name() + "\" on type \"" + parent.name + "\"."
                    + fieldHint(parent, f.name()));
        }
        if (def != null && parent != null) {
            checkArguments(f.arguments(), def.arguments(), f.position(),
                    a -> "Unknown argument \"" + a + "\" on field \"" + parent.name + "." + f.name() + "\"."
                            + Suggestions.hint("Did you mean", a, def.arguments().stream().map(ArgumentDefinition::name).toList()),
                    (a, t) -> "Field \"" + f.name() + "\" argument \"" + a + "\" of type \"" + t
                            + "\" is required, but it was not provided.");
        }
        OverlappingFields.check(schema, parent, f.selectionSet(), fragments, this::error);
        if (def != null) {
            Schema.Type t = schema.type(def.type().name());
            if (t != null && t.isLeaf() && !f.selectionSet().isEmpty()) {
                error(f.position(), "Field \"" + f.name() + "\" must not have a selection since type \"" + t.name
                        + "\" has no subfields.");
            } else if (t != null && !t.isLeaf() && f.selectionSet().isEmpty()) {
                error(f.position(), "Field \"" + f.name() + "\" of type \"" + def.type()
                        + "\" must have a selection of subfields. Did you mean \"" + f.name() + " { ... }\"?");
            }
        }
    }

    private void checkOperation(OperationDefinition op, Set<String> names) {
        if (rootType(op.operation()) == null) {
            error(op.position(), "Schema does not support operation type \"" + op.operation() + "\"");
        }
        if (op.name().isEmpty() && doc.operations().size() > 1) {
            error(op.position(), "This anonymous operation must be the only defined operation.");
        }
        for (VariableDefinition v : op.variableDefinitions()) {
            if (!usedVariables.contains(v.variable())) {
                error(v.position(), op.name().isEmpty() ? "Variable \"$" + v.variable() + "\" is never used."
                        : "Variable \"$" + v.variable() + "\" is never used in operation \"" + op.name() + "\".");
            }
        }
        OverlappingFields.check(schema, rootType(op.operation()), op.selectionSet(), fragments, this::error);
        if (op.operation().equals("subscription") && schema.subscription != null) {
            Map<String, Field> top = new LinkedHashMap<>();
            topLevelFields(op.selectionSet(), top, new HashSet<>(), 0);
            String who = op.name().isEmpty() ? "Anonymous Subscription" : "Subscription " + GoQuote.quote(op.name());
            List<Field> fields = new ArrayList<>(top.values());
            if (fields.size() > 1) error(fields.get(1).position(), who + " must select only one top level field.");
            for (Field f : fields) {
                if (f.name().startsWith("__")) {
                    error(f.position(), who + " must not select an introspection top level field.");
                }
            }
        }
        if (!names.add(op.name())) error(op.position(), "There can be only one operation named \"" + op.name() + "\".");
        Map<String, Integer> seen = new HashMap<>();
        for (VariableDefinition v : op.variableDefinitions()) {
            if (seen.merge(v.variable(), 1, Integer::sum) == 2) {
                error(v.position(), "There can be only one variable named \"$" + v.variable() + "\".");
            }
        }
    }

    /** The distinct top-level fields by name (through fragments), first occurrence kept. */
    private void topLevelFields(List<Selection> sel, Map<String, Field> out, Set<String> seenFragments, int level) {
        if (level > Parser.MAX_DEPTH) return;
        for (Selection s : sel) {
            switch (s) {
                case Field f -> out.putIfAbsent(f.name(), f);
                case InlineFragment f -> topLevelFields(f.selectionSet(), out, seenFragments, level + 1);
                case FragmentSpread f -> {
                    FragmentDefinition d = fragments.get(f.name());
                    if (d != null && seenFragments.add(f.name())) {
                        topLevelFields(d.selectionSet(), out, seenFragments, level + 1);
                    }
                }
            }
        }
    }

    private void checkFragment(FragmentDefinition f, Schema.Type t, Set<String> names) {
        if (t == null) {
            error(f.position(), "Unknown type \"" + f.typeCondition() + "\".");
        } else if (!t.isComposite()) {
            error(f.position(), "Fragment \"" + f.name() + "\" cannot condition on non composite type \""
                    + f.typeCondition() + "\".");
        }
        List<String> cycle = cycle(f.name(), f.selectionSet(), new ArrayList<>(), new HashSet<>());
        if (cycle != null) {
            error(f.position(), cycle.isEmpty() ? "Cannot spread fragment \"" + f.name() + "\" within itself."
                    : "Cannot spread fragment \"" + f.name() + "\" within itself via " + String.join(", ", cycle) + ".");
        }
        if (!usedFragments.contains(f.name())) error(f.position(), "Fragment \"" + f.name() + "\" is never used.");
        if (!names.add(f.name())) error(f.position(), "There can be only one fragment named \"" + f.name() + "\".");
    }

    /** The fragments through which {@code target} spreads itself, or null when it does not. */
    private List<String> cycle(String target, List<Selection> sel, List<String> path, Set<String> visited) {
        if (path.size() > Parser.MAX_DEPTH) return null;
        for (Selection s : sel) {
            List<Selection> inner = switch (s) {
                case Field f -> f.selectionSet();
                case InlineFragment f -> f.selectionSet();
                case FragmentSpread f -> {
                    if (f.name().equals(target)) yield null;
                    FragmentDefinition d = fragments.get(f.name());
                    yield d != null && visited.add(f.name()) ? d.selectionSet() : List.of();
                }
            };
            if (inner == null) return new ArrayList<>(path);
            boolean spread = s instanceof FragmentSpread;
            if (spread) path.add(((FragmentSpread) s).name());
            List<String> found = cycle(target, inner, path, visited);
            if (spread) path.removeLast();
            if (found != null) return found;
        }
        return null;
    }

    /** Collected per-selection-set information for the overlap rule. */
    record Located(Schema.Type parent, Field field, FieldDefinition def) {}

    static Map<String, List<Located>> responseNames(Schema schema, Schema.Type parent, List<Selection> sel,
            Map<String, FragmentDefinition> fragments) {
        Map<String, List<Located>> out = new LinkedHashMap<>();
        collect(schema, parent, sel, fragments, out, new HashSet<>(), 0);
        return out;
    }

    private static void collect(Schema schema, Schema.Type parent, List<Selection> sel,
            Map<String, FragmentDefinition> fragments, Map<String, List<Located>> out, Set<String> seen, int level) {
        if (level > Parser.MAX_DEPTH) return;
        for (Selection s : sel) {
            switch (s) {
                case Field f -> {
                    FieldDefinition d = f.name().equals("__typename") || parent == null ? null : parent.field(f.name());
                    out.computeIfAbsent(f.alias().isEmpty() ? f.name() : f.alias(), k -> new ArrayList<>())
                            .add(new Located(parent, f, d));
                }
                case InlineFragment f -> collect(schema,
                        f.typeCondition().isEmpty() ? parent : schema.type(f.typeCondition()), f.selectionSet(),
                        fragments, out, seen, level + 1);
                case FragmentSpread f -> {
                    FragmentDefinition d = fragments.get(f.name());
                    if (d != null && seen.add(f.name())) {
                        collect(schema, schema.type(d.typeCondition()), d.selectionSet(), fragments, out, seen, level + 1);
                    }
                }
            }
        }
    }
}
