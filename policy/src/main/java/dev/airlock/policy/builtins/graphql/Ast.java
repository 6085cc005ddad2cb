package dev.airlock.policy.builtins.graphql;

import java.util.List;

/**
 * The GraphQL document model, shaped after Go's gqlparser AST because OPA returns that AST (as
 * JSON, with Go's field names) from the {@code graphql.*} builtins. Lists are never null; a
 * {@link Position} is null for nodes decoded from JSON objects, which carry no source location.
 */
public final class Ast {
    private Ast() {}

    /** A 1-based line and column (in Unicode code points), as gqlparser reports them. */
    public record Position(int line, int column) {}

    // ---- executable documents (queries) ----

    public record QueryDocument(List<OperationDefinition> operations, List<FragmentDefinition> fragments) {}

    /** {@code operation} is "query", "mutation" or "subscription"; {@code name} may be empty. */
    public record OperationDefinition(String operation, String name, List<VariableDefinition> variableDefinitions,
            List<Directive> directives, List<Selection> selectionSet, Position position) {}

    public record VariableDefinition(String variable, TypeRef type, ValueNode defaultValue, List<Directive> directives,
            Position position) {}

    public record FragmentDefinition(String name, List<VariableDefinition> variableDefinition, String typeCondition,
            List<Directive> directives, List<Selection> selectionSet, Position position) {}

    public sealed interface Selection permits Field, FragmentSpread, InlineFragment {
        Position position();
    }

    public record Field(String alias, String name, List<Argument> arguments, List<Directive> directives,
            List<Selection> selectionSet, Position position) implements Selection {}

    public record FragmentSpread(String name, List<Directive> directives, Position position) implements Selection {}

    /** {@code typeCondition} is empty when the fragment has none. */
    public record InlineFragment(String typeCondition, List<Directive> directives, List<Selection> selectionSet,
            Position position) implements Selection {}

    public record Argument(String name, ValueNode value, Position position) {}

    public record Directive(String name, List<Argument> arguments, Position position) {}

    /** A type reference: a named type, or a list of {@code elem}; either may be non-null ({@code !}). */
    public record TypeRef(String namedType, TypeRef elem, boolean nonNull, Position position) {
        /** The innermost named type. */
        public String name() {
            return namedType.isEmpty() && elem != null ? elem.name() : namedType;
        }

        @Override
        public String toString() {
            String base = namedType.isEmpty() && elem != null ? "[" + elem + "]" : namedType;
            return nonNull ? base + "!" : base;
        }
    }

    /** Value kinds, numbered as gqlparser's {@code ValueKind} (the numbers appear in the JSON AST). */
    public static final int VARIABLE = 0, INT = 1, FLOAT = 2, STRING = 3, BLOCK = 4, BOOLEAN = 5, NULL = 6, ENUM = 7,
            LIST = 8, OBJECT = 9;

    /** A literal or variable; {@code raw} is the variable name or literal text, empty for lists and objects. */
    public record ValueNode(String raw, List<ChildValue> children, int kind, Position position) {}

    /** A list element (empty name) or an object field of a {@link ValueNode}. */
    public record ChildValue(String name, ValueNode value, Position position) {}

    // ---- type system documents (schemas) ----

    public record SchemaDocument(List<SchemaDefinition> schema, List<SchemaDefinition> schemaExtension,
            List<DirectiveDefinition> directives, List<Definition> definitions, List<Definition> extensions) {}

    public record SchemaDefinition(String description, List<Directive> directives,
            List<OperationTypeDefinition> operationTypes, Position position) {}

    public record OperationTypeDefinition(String operation, String type, Position position) {}

    /** Kinds as gqlparser spells them: SCALAR, OBJECT, INTERFACE, UNION, ENUM, INPUT_OBJECT. */
    public static final String SCALAR = "SCALAR", OBJECT_KIND = "OBJECT", INTERFACE = "INTERFACE", UNION = "UNION",
            ENUM_KIND = "ENUM", INPUT_OBJECT = "INPUT_OBJECT";

    public record Definition(String kind, String description, String name, List<Directive> directives,
            List<String> interfaces, List<FieldDefinition> fields, List<String> types, List<EnumValueDefinition> enumValues,
            Position position, boolean builtIn) {}

    /** A field of an object or interface, or an input field (which has a default value instead of arguments). */
    public record FieldDefinition(String description, String name, List<ArgumentDefinition> arguments,
            ValueNode defaultValue, TypeRef type, List<Directive> directives, Position position) {}

    public record ArgumentDefinition(String description, String name, ValueNode defaultValue, TypeRef type,
            List<Directive> directives, Position position) {}

    public record EnumValueDefinition(String description, String name, List<Directive> directives, Position position) {}

    public record DirectiveDefinition(String description, String name, List<ArgumentDefinition> arguments,
            List<String> locations, boolean isRepeatable, Position position) {}
}
