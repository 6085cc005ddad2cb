package dev.airlock.policy.builtins.graphql;

import dev.airlock.policy.builtins.graphql.Ast.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated schema: the prelude plus a schema document, with extensions merged into their types
 * and the root operation types resolved. {@link #build} follows gqlparser's
 * {@code ValidateSchemaDocument}, including its leniency (extending an undeclared type declares it)
 * and its error texts; the first error is reported.
 */
public final class Schema {
    /** One named type with its extensions merged in. */
    public static final class Type {
        final String kind;
        final String name;
        final Position position;
        final boolean builtIn;
        final List<Directive> directives = new ArrayList<>();
        final List<String> interfaces = new ArrayList<>();
        final List<FieldDefinition> fields = new ArrayList<>();
        final List<String> types = new ArrayList<>();
        final List<EnumValueDefinition> enumValues = new ArrayList<>();

        Type(String kind, String name, Position position, boolean builtIn) {
            this.kind = kind;
            this.name = name;
            this.position = position;
            this.builtIn = builtIn;
        }

        void merge(Definition d) {
            directives.addAll(d.directives());
            interfaces.addAll(d.interfaces());
            fields.addAll(d.fields());
            types.addAll(d.types());
            enumValues.addAll(d.enumValues());
        }

        FieldDefinition field(String fieldName) {
            for (FieldDefinition f : fields) if (f.name().equals(fieldName)) return f;
            return null;
        }

        boolean isInputType() {
            return kind.equals(Ast.SCALAR) || kind.equals(Ast.ENUM_KIND) || kind.equals(Ast.INPUT_OBJECT);
        }

        boolean isComposite() {
            return kind.equals(Ast.OBJECT_KIND) || kind.equals(Ast.INTERFACE) || kind.equals(Ast.UNION);
        }

        boolean isLeaf() {
            return kind.equals(Ast.SCALAR) || kind.equals(Ast.ENUM_KIND);
        }
    }

    final Map<String, Type> types = new HashMap<>();
    final Map<String, DirectiveDefinition> directives = new HashMap<>();
    /** Object types (and interfaces) that can stand for an abstract type, by the abstract type's name. */
    final Map<String, List<Type>> possibleTypes = new HashMap<>();
    Type query;
    Type mutation;
    Type subscription;

    private Schema() {}

    /** Validates the user's schema document (merged after the prelude) into a schema. */
    public static Schema build(SchemaDocument user) throws GraphQLError {
        SchemaDocument pre = Prelude.document();
        Schema s = new Schema();
        List<Type> all = new ArrayList<>();
        for (List<Definition> defs : List.of(pre.definitions(), user.definitions())) {
            for (Definition d : defs) {
                if (s.types.containsKey(d.name())) throw new GraphQLError(d.position(), "Cannot redeclare type " + d.name() + ".");
                Type t = new Type(d.kind(), d.name(), d.position(), d.builtIn());
                t.merge(d);
                s.types.put(d.name(), t);
                all.add(t);
            }
        }
        for (List<Definition> exts : List.of(pre.extensions(), user.extensions())) {
            for (Definition ext : exts) {
                Type t = s.types.get(ext.name());
                if (t == null) {
                    t = new Type(ext.kind(), ext.name(), ext.position(), false);
                    s.types.put(ext.name(), t);
                    all.add(t);
                }
                if (!t.kind.equals(ext.kind())) {
                    throw new GraphQLError(ext.position(), "Cannot extend type " + ext.name() + " because the base type is a "
                            + t.kind + ", not " + ext.kind() + ".");
                }
                t.merge(ext);
            }
        }
        for (Type t : all) {
            switch (t.kind) {
                case Ast.UNION -> {
                    for (String member : t.types) s.addPossibleType(t.name, s.types.get(member));
                }
                case Ast.INPUT_OBJECT, Ast.OBJECT_KIND -> {
                    for (String intf : t.interfaces) s.addPossibleType(intf, t);
                    s.addPossibleType(t.name, t);
                }
                case Ast.INTERFACE -> {
                    for (String intf : t.interfaces) s.addPossibleType(intf, t);
                }
                default -> { }
            }
        }
        for (List<DirectiveDefinition> dirs : List.of(pre.directives(), user.directives())) {
            for (DirectiveDefinition d : dirs) {
                if (s.directives.containsKey(d.name())) {
                    switch (d.name()) {
                        case "include", "skip", "deprecated", "specifiedBy", "defer", "oneOf" -> {
                            continue; // a schema may restate a built-in directive; the first one stays
                        }
                        default -> throw new GraphQLError(d.position(), "Cannot redeclare directive " + d.name() + ".");
                    }
                }
                s.directives.put(d.name(), d);
            }
        }
        List<SchemaDefinition> schemaDefs = new ArrayList<>(pre.schema());
        schemaDefs.addAll(user.schema());
        if (schemaDefs.size() > 1) {
            throw new GraphQLError(schemaDefs.get(1).position(),
                    "Cannot have multiple schema entry points, consider schema extensions instead.");
        }
        List<SchemaDefinition> roots = new ArrayList<>(schemaDefs);
        roots.addAll(pre.schemaExtension());
        roots.addAll(user.schemaExtension());
        for (SchemaDefinition sd : roots) {
            for (OperationTypeDefinition op : sd.operationTypes()) {
                Type t = s.types.get(op.type());
                if (t == null) {
                    throw new GraphQLError(op.position(), "Schema root " + op.operation() + " refers to a type "
                            + op.type() + " that does not exist.");
                }
                switch (op.operation()) {
                    case "query" -> s.query = t;
                    case "mutation" -> s.mutation = t;
                    case "subscription" -> s.subscription = t;
                    default -> { }
                }
            }
        }
        for (String name : new TreeMap<>(s.types).keySet()) s.validateType(s.types.get(name));
        for (String name : new TreeMap<>(s.directives).keySet()) {
            DirectiveDefinition d = s.directives.get(name);
            validateName(d.position(), d.name());
            s.validateArgs(d.arguments(), d);
        }
        if (schemaDefs.isEmpty()) {
            if (s.query == null) s.query = s.types.get("Query");
            if (s.mutation == null) s.mutation = s.types.get("Mutation");
            if (s.subscription == null) s.subscription = s.types.get("Subscription");
        }
        if (s.query != null) {
            s.query.fields.add(new FieldDefinition("", "__schema", List.of(), null,
                    new TypeRef("__Schema", null, true, null), List.of(), null));
            s.query.fields.add(new FieldDefinition("", "__type", List.of(new ArgumentDefinition("", "name", null,
                    new TypeRef("String", null, true, null), List.of(), null)), null,
                    new TypeRef("__Type", null, false, null), List.of(), null));
        }
        return s;
    }

    private void addPossibleType(String name, Type t) {
        possibleTypes.computeIfAbsent(name, k -> new ArrayList<>()).add(t);
    }

    Type type(String name) {
        return types.get(name);
    }

    /** The possible concrete types of a type: itself for objects, members/implementors otherwise. */
    List<Type> possibleTypes(Type t) {
        if (t.kind.equals(Ast.OBJECT_KIND)) return List.of(t);
        List<Type> out = new ArrayList<>();
        for (Type p : possibleTypes.getOrDefault(t.name, List.of())) if (p != null) out.add(p);
        return out;
    }

    private static void validateName(Position pos, String name) throws GraphQLError {
        if (name.startsWith("__")) {
            throw new GraphQLError(pos, "Name \"" + name + "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
        }
    }

    private void validateType(Type def) throws GraphQLError {
        for (FieldDefinition f : def.fields) {
            validateName(f.position(), f.name());
            validateTypeRef(f.type());
            validateArgs(f.arguments(), null);
            validateDirectives(f.directives(),
                    def.kind.equals(Ast.INPUT_OBJECT) ? "INPUT_FIELD_DEFINITION" : "FIELD_DEFINITION", null);
        }
        for (String member : def.types) {
            Type m = types.get(member);
            if (m == null) throw new GraphQLError(def.position, "Undefined type " + GoQuote.quote(member) + ".");
            if (!m.kind.equals(Ast.OBJECT_KIND)) {
                throw new GraphQLError(def.position, def.kind + " type " + GoQuote.quote(member) + " must be OBJECT.");
            }
        }
        for (String intf : def.interfaces) validateImplements(def, intf);
        switch (def.kind) {
            case Ast.OBJECT_KIND, Ast.INTERFACE -> {
                if (def.fields.isEmpty()) {
                    throw new GraphQLError(def.position, def.kind + " " + def.name + ": must define one or more fields.");
                }
                for (FieldDefinition f : def.fields) {
                    Type ft = types.get(f.type().name());
                    if (ft != null && ft.kind.equals(Ast.INPUT_OBJECT)) {
                        throw new GraphQLError(f.position(), def.kind + " " + def.name
                                + ": field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.");
                    }
                }
            }
            case Ast.ENUM_KIND -> {
                if (def.enumValues.isEmpty()) {
                    throw new GraphQLError(def.position, def.kind + " " + def.name + ": must define one or more unique enum values.");
                }
                for (EnumValueDefinition v : def.enumValues) {
                    if (v.name().equals("true") || v.name().equals("false") || v.name().equals("null")) {
                        throw new GraphQLError(def.position, def.kind + " " + def.name + ": non-enum value " + v.name() + ".");
                    }
                }
            }
            case Ast.INPUT_OBJECT -> {
                if (def.fields.isEmpty()) {
                    throw new GraphQLError(def.position, def.kind + " " + def.name + ": must define one or more input fields.");
                }
                for (FieldDefinition f : def.fields) {
                    Type ft = types.get(f.type().name());
                    if (ft != null && !ft.isInputType()) {
                        throw new GraphQLError(f.position(), ft.kind + " " + f.name()
                                + ": field must be one of SCALAR, ENUM, INPUT_OBJECT.");
                    }
                }
            }
            default -> { }
        }
        for (int i = 0; i < def.fields.size(); i++) {
            for (int j = i + 1; j < def.fields.size(); j++) {
                FieldDefinition f2 = def.fields.get(j);
                if (def.fields.get(i).name().equals(f2.name())) {
                    throw new GraphQLError(f2.position(), "Field " + def.name + "." + f2.name() + " can only be defined once.");
                }
            }
        }
        if (!def.builtIn) validateName(def.position, def.name);
        validateDirectives(def.directives, def.kind, null);
    }

    private void validateTypeRef(TypeRef t) throws GraphQLError {
        if (types.get(t.name()) == null) throw new GraphQLError(t.position(), "Undefined type " + t.name() + ".");
    }

    private void validateArgs(List<ArgumentDefinition> args, DirectiveDefinition current) throws GraphQLError {
        for (ArgumentDefinition a : args) {
            validateName(a.position(), a.name());
            validateTypeRef(a.type());
            Type t = types.get(a.type().name());
            if (!t.isInputType()) {
                throw new GraphQLError(a.position(), "cannot use " + a.type() + " as argument " + a.name() + " because "
                        + t.kind + " is not a valid input type");
            }
            validateDirectives(a.directives(), "ARGUMENT_DEFINITION", current);
        }
    }

    private void validateDirectives(List<Directive> dirs, String location, DirectiveDefinition current)
            throws GraphQLError {
        for (Directive d : dirs) {
            validateName(d.position(), d.name());
            if (current != null && d.name().equals(current.name())) {
                throw new GraphQLError(d.position(), "Directive " + current.name() + " cannot refer to itself.");
            }
            DirectiveDefinition def = directives.get(d.name());
            if (def == null) throw new GraphQLError(d.position(), "Undefined directive " + d.name() + ".");
            if (!def.locations().contains(location)) {
                throw new GraphQLError(d.position(), "Directive " + d.name() + " is not applicable on " + location + ".");
            }
        }
    }

    private void validateImplements(Type def, String intfName) throws GraphQLError {
        Type intf = types.get(intfName);
        if (intf == null) throw new GraphQLError(def.position, "Undefined type " + GoQuote.quote(intfName) + ".");
        if (!intf.kind.equals(Ast.INTERFACE)) {
            throw new GraphQLError(def.position, GoQuote.quote(intfName) + " is a non interface type " + intf.kind + ".");
        }
        String who = "For " + def.name + " to implement " + intf.name;
        for (FieldDefinition required : intf.fields) {
            FieldDefinition found = def.field(required.name());
            if (found == null) {
                throw new GraphQLError(def.position, who + " it must have a field called " + required.name() + ".");
            }
            if (!isCovariant(required.type(), found.type())) {
                throw new GraphQLError(found.position(), who + " the field " + required.name() + " must have type "
                        + required.type() + ".");
            }
            for (ArgumentDefinition ra : required.arguments()) {
                ArgumentDefinition fa = argument(found.arguments(), ra.name());
                if (fa == null) {
                    throw new GraphQLError(found.position(), who + " the field " + required.name()
                            + " must have the same arguments but it is missing " + ra.name() + ".");
                }
                if (!isCompatible(ra.type(), fa.type())) {
                    throw new GraphQLError(fa.position(), who + " the field " + required.name()
                            + " must have the same arguments but " + ra.name() + " has the wrong type.");
                }
            }
            for (ArgumentDefinition fa : found.arguments()) {
                if (argument(required.arguments(), fa.name()) == null && fa.type().nonNull() && fa.defaultValue() == null) {
                    throw new GraphQLError(fa.position(), who + " any additional arguments on " + found.name()
                            + " must be optional or have a default value but " + fa.name() + " is required.");
                }
            }
        }
        for (String transitive : intf.interfaces) {
            if (!def.interfaces.contains(transitive)) {
                if (transitive.equals(def.name)) {
                    throw new GraphQLError(def.position, "Type " + def.name + " cannot implement " + intfName
                            + " because it would create a circular reference.");
                }
                throw new GraphQLError(def.position, "Type " + def.name + " must implement " + transitive
                        + " because it is implemented by " + intfName + ".");
            }
        }
    }

    static ArgumentDefinition argument(List<ArgumentDefinition> args, String name) {
        for (ArgumentDefinition a : args) if (a.name().equals(name)) return a;
        return null;
    }

    private boolean isCovariant(TypeRef required, TypeRef actual) {
        if (required == null || actual == null) return false;
        if (required.nonNull() && !actual.nonNull()) return false;
        if (!required.namedType().isEmpty()) {
            if (required.namedType().equals(actual.namedType())) return true;
            for (Type p : possibleTypes.getOrDefault(required.namedType(), List.of())) {
                if (p != null && p.name.equals(actual.namedType())) return true;
            }
            return false;
        }
        if (required.elem() != null && actual.elem() == null) return false;
        return isCovariant(required.elem(), actual.elem());
    }

    private static boolean isCompatible(TypeRef t, TypeRef other) {
        if (!t.namedType().equals(other.namedType())) return false;
        if (t.elem() != null && other.elem() == null) return false;
        if (t.elem() != null && !isCompatible(t.elem(), other.elem())) return false;
        return !other.nonNull() || t.nonNull();
    }
}
