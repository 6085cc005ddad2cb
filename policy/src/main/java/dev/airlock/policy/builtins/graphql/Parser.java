package dev.airlock.policy.builtins.graphql;

import dev.airlock.policy.builtins.graphql.Ast.*;
import dev.airlock.policy.builtins.graphql.Lexer.Kind;
import dev.airlock.policy.builtins.graphql.Lexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser for GraphQL query and schema documents that follows gqlparser's
 * grammar decisions and error texts (the first error wins, as in gqlparser). Nesting deeper than
 * {@link #MAX_DEPTH} is rejected instead of exhausting the stack.
 */
public final class Parser {
    /** The deepest nesting of selection sets, values and type references we accept. */
    public static final int MAX_DEPTH = 500;

    private static final Set<String> DIRECTIVE_LOCATIONS = Set.of("QUERY", "MUTATION", "SUBSCRIPTION", "FIELD",
            "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR",
            "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE",
            "INPUT_OBJECT", "INPUT_FIELD_DEFINITION");

    private final Lexer lexer;
    private Token peeked;
    private Token prev;
    private int depth;

    private Parser(String source) {
        this.lexer = new Lexer(source);
    }

    public static QueryDocument parseQuery(String source) throws GraphQLError {
        return new Parser(source).queryDocument();
    }

    public static SchemaDocument parseSchema(String source) throws GraphQLError {
        return new Parser(source).schemaDocument(false);
    }

    /** Parses schema text whose definitions are flagged built-in (the prelude). */
    static SchemaDocument parseBuiltinSchema(String source) throws GraphQLError {
        return new Parser(source).schemaDocument(true);
    }

    // ---- token plumbing ----

    private Token peek() {
        if (peeked == null) peeked = lexer.next();
        return peeked;
    }

    private Token next() throws GraphQLError {
        Token t = peek();
        peeked = null;
        prev = t;
        if (t.kind() == Kind.INVALID) throw new GraphQLError(t.pos(), t.error());
        return t;
    }

    private GraphQLError error(Token at, String message) {
        return new GraphQLError(at.pos(), message);
    }

    private GraphQLError unexpected(Token t) {
        return error(t, "Unexpected " + t);
    }

    private Token expect(Kind kind) throws GraphQLError {
        Token t = peek();
        if (t.kind() == kind) return next();
        throw error(t, "Expected " + kind + ", found " + t.kind());
    }

    private Token expectKeyword(String value) throws GraphQLError {
        Token t = peek();
        if (t.kind() == Kind.NAME && t.value().equals(value)) return next();
        throw error(t, "Expected " + GoQuote.quote(value) + ", found " + t);
    }

    private boolean skip(Kind kind) throws GraphQLError {
        if (peek().kind() != kind) return false;
        next();
        return true;
    }

    private interface Item<T> {
        T parse() throws GraphQLError;
    }

    /** {@code start item* end}, or nothing when {@code start} is absent. */
    private <T> List<T> many(Kind start, Kind end, Item<T> item) throws GraphQLError {
        List<T> out = new ArrayList<>();
        if (!skip(start)) return out;
        while (peek().kind() != end) out.add(item.parse());
        next();
        return out;
    }

    /** {@code start item+ end}, or nothing when {@code start} is absent. */
    private <T> List<T> some(Kind start, Kind end, Item<T> item) throws GraphQLError {
        List<T> out = new ArrayList<>();
        if (!skip(start)) return out;
        while (peek().kind() != end) out.add(item.parse());
        if (out.isEmpty()) throw error(peek(), "expected at least one definition, found " + peek().kind());
        next();
        return out;
    }

    private void enter() throws GraphQLError {
        if (++depth > MAX_DEPTH) throw error(peek(), "Exceeded the maximum nesting depth of " + MAX_DEPTH);
    }

    private String name() throws GraphQLError {
        return expect(Kind.NAME).value();
    }

    // ---- queries ----

    private QueryDocument queryDocument() throws GraphQLError {
        List<OperationDefinition> ops = new ArrayList<>();
        List<FragmentDefinition> frags = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            Token t = peek();
            if (t.kind() == Kind.BRACE_L) {
                ops.add(operationDefinition());
            } else if (t.kind() == Kind.NAME) {
                switch (t.value()) {
                    case "query", "mutation", "subscription" -> ops.add(operationDefinition());
                    case "fragment" -> frags.add(fragmentDefinition());
                    default -> throw unexpected(t);
                }
            } else {
                throw unexpected(t);
            }
        }
        return new QueryDocument(ops, frags);
    }

    private OperationDefinition operationDefinition() throws GraphQLError {
        Position pos = peek().pos();
        if (peek().kind() == Kind.BRACE_L) {
            return new OperationDefinition("query", "", List.of(), List.of(), requiredSelectionSet(), pos);
        }
        String operation = operationType();
        String name = peek().kind() == Kind.NAME ? next().value() : "";
        List<VariableDefinition> vars = variableDefinitions();
        List<Directive> dirs = directives(false);
        return new OperationDefinition(operation, name, vars, dirs, requiredSelectionSet(), pos);
    }

    private String operationType() throws GraphQLError {
        Token t = next();
        return switch (t.value()) {
            case "query", "mutation", "subscription" -> t.value();
            default -> throw unexpected(t);
        };
    }

    private List<VariableDefinition> variableDefinitions() throws GraphQLError {
        return many(Kind.PAREN_L, Kind.PAREN_R, this::variableDefinition);
    }

    private VariableDefinition variableDefinition() throws GraphQLError {
        Position pos = peek().pos();
        String var = variable();
        expect(Kind.COLON);
        TypeRef type = typeReference();
        ValueNode dflt = skip(Kind.EQUALS) ? valueLiteral(true) : null;
        return new VariableDefinition(var, type, dflt, directives(false), pos);
    }

    private String variable() throws GraphQLError {
        expect(Kind.DOLLAR);
        return name();
    }

    private List<Selection> requiredSelectionSet() throws GraphQLError {
        if (peek().kind() != Kind.BRACE_L) {
            throw error(peek(), "Expected " + Kind.BRACE_L + ", found " + peek().kind());
        }
        return selectionSet();
    }

    private List<Selection> selectionSet() throws GraphQLError {
        enter();
        List<Selection> out = some(Kind.BRACE_L, Kind.BRACE_R, this::selection);
        depth--;
        return out;
    }

    private Selection selection() throws GraphQLError {
        return peek().kind() == Kind.SPREAD ? fragment() : field();
    }

    private Field field() throws GraphQLError {
        Position pos = peek().pos();
        String alias = name();
        String name = skip(Kind.COLON) ? name() : alias;
        List<Argument> args = arguments(false);
        List<Directive> dirs = directives(false);
        List<Selection> sel = peek().kind() == Kind.BRACE_L ? selectionSet() : List.of();
        return new Field(alias, name, args, dirs, sel, pos);
    }

    private List<Argument> arguments(boolean isConst) throws GraphQLError {
        return many(Kind.PAREN_L, Kind.PAREN_R, () -> {
            Position pos = peek().pos();
            String name = name();
            expect(Kind.COLON);
            return new Argument(name, valueLiteral(isConst), pos);
        });
    }

    private Selection fragment() throws GraphQLError {
        expect(Kind.SPREAD);
        Token t = peek();
        if (t.kind() == Kind.NAME && !t.value().equals("on")) {
            return new FragmentSpread(fragmentName(), directives(false), t.pos());
        }
        Position pos = t.pos();
        String typeCondition = "";
        if (t.value().equals("on")) {
            next();
            typeCondition = name();
        }
        List<Directive> dirs = directives(false);
        return new InlineFragment(typeCondition, dirs, requiredSelectionSet(), pos);
    }

    private FragmentDefinition fragmentDefinition() throws GraphQLError {
        Position pos = peek().pos();
        expectKeyword("fragment");
        String name = fragmentName();
        List<VariableDefinition> vars = variableDefinitions();
        expectKeyword("on");
        String typeCondition = name();
        List<Directive> dirs = directives(false);
        return new FragmentDefinition(name, vars, typeCondition, dirs, requiredSelectionSet(), pos);
    }

    private String fragmentName() throws GraphQLError {
        if (peek().value().equals("on")) throw unexpected(peek());
        return name();
    }

    private ValueNode valueLiteral(boolean isConst) throws GraphQLError {
        Token t = peek();
        int kind;
        switch (t.kind()) {
            case BRACKET_L -> {
                enter();
                List<ChildValue> items = many(Kind.BRACKET_L, Kind.BRACKET_R,
                        () -> new ChildValue("", valueLiteral(isConst), null));
                depth--;
                return new ValueNode("", items, Ast.LIST, t.pos());
            }
            case BRACE_L -> {
                enter();
                List<ChildValue> fields = many(Kind.BRACE_L, Kind.BRACE_R, () -> {
                    Position pos = peek().pos();
                    String name = name();
                    expect(Kind.COLON);
                    return new ChildValue(name, valueLiteral(isConst), pos);
                });
                depth--;
                return new ValueNode("", fields, Ast.OBJECT, t.pos());
            }
            case DOLLAR -> {
                if (isConst) throw unexpected(t);
                return new ValueNode(variable(), List.of(), Ast.VARIABLE, t.pos());
            }
            case INT -> kind = Ast.INT;
            case FLOAT -> kind = Ast.FLOAT;
            case STRING -> kind = Ast.STRING;
            case BLOCK_STRING -> kind = Ast.BLOCK;
            case NAME -> kind = switch (t.value()) {
                case "true", "false" -> Ast.BOOLEAN;
                case "null" -> Ast.NULL;
                default -> Ast.ENUM;
            };
            default -> throw unexpected(t);
        }
        next();
        return new ValueNode(t.value(), List.of(), kind, t.pos());
    }

    private List<Directive> directives(boolean isConst) throws GraphQLError {
        List<Directive> out = new ArrayList<>();
        while (peek().kind() == Kind.AT) {
            expect(Kind.AT);
            Position pos = peek().pos();
            String name = name();
            out.add(new Directive(name, arguments(isConst), pos));
        }
        return out;
    }

    private TypeRef typeReference() throws GraphQLError {
        TypeRef t;
        if (skip(Kind.BRACKET_L)) {
            enter();
            Position pos = peek().pos();
            TypeRef elem = typeReference();
            expect(Kind.BRACKET_R);
            depth--;
            t = new TypeRef("", elem, false, pos);
        } else {
            Position pos = peek().pos();
            t = new TypeRef(name(), null, false, pos);
        }
        if (skip(Kind.BANG)) t = new TypeRef(t.namedType(), t.elem(), true, peek().pos());
        return t;
    }

    // ---- schemas ----

    private SchemaDocument schemaDocument(boolean builtIn) throws GraphQLError {
        List<SchemaDefinition> schema = new ArrayList<>();
        List<SchemaDefinition> schemaExt = new ArrayList<>();
        List<DirectiveDefinition> directives = new ArrayList<>();
        List<Definition> defs = new ArrayList<>();
        List<Definition> exts = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            String description = "";
            if (peek().kind() == Kind.BLOCK_STRING || peek().kind() == Kind.STRING) description = next().value();
            Token t = peek();
            if (t.kind() != Kind.NAME) throw unexpected(t);
            switch (t.value()) {
                case "scalar", "type", "interface", "union", "enum", "input" ->
                        defs.add(typeDefinition(description, builtIn));
                case "schema" -> {
                    expectKeyword("schema");
                    Position pos = peek().pos();
                    List<Directive> dirs = directives(true);
                    schema.add(new SchemaDefinition(description, dirs, operationTypes(), pos));
                }
                case "directive" -> directives.add(directiveDefinition(description));
                case "extend" -> {
                    if (!description.isEmpty()) throw unexpected(prev);
                    extension(schemaExt, exts, builtIn);
                }
                default -> throw unexpected(t);
            }
        }
        return new SchemaDocument(schema, schemaExt, directives, defs, exts);
    }

    private List<OperationTypeDefinition> operationTypes() throws GraphQLError {
        return some(Kind.BRACE_L, Kind.BRACE_R, () -> {
            Position pos = peek().pos();
            String op = operationType();
            expect(Kind.COLON);
            return new OperationTypeDefinition(op, name(), pos);
        });
    }

    private String description() throws GraphQLError {
        Kind k = peek().kind();
        return k == Kind.BLOCK_STRING || k == Kind.STRING ? next().value() : "";
    }

    private Definition typeDefinition(String description, boolean builtIn) throws GraphQLError {
        String keyword = next().value();
        Position pos = peek().pos();
        String name = name();
        List<String> interfaces = List.of();
        List<FieldDefinition> fields = List.of();
        List<String> types = List.of();
        List<EnumValueDefinition> enumValues = List.of();
        List<Directive> dirs;
        String kind;
        switch (keyword) {
            case "scalar" -> {
                kind = Ast.SCALAR;
                dirs = directives(true);
            }
            case "type", "interface" -> {
                kind = keyword.equals("type") ? Ast.OBJECT_KIND : Ast.INTERFACE;
                interfaces = implementsInterfaces();
                dirs = directives(true);
                fields = some(Kind.BRACE_L, Kind.BRACE_R, this::fieldDefinition);
            }
            case "union" -> {
                kind = Ast.UNION;
                dirs = directives(true);
                types = unionMembers();
            }
            case "enum" -> {
                kind = Ast.ENUM_KIND;
                dirs = directives(true);
                enumValues = enumValues();
            }
            default -> {
                kind = Ast.INPUT_OBJECT;
                dirs = directives(true);
                fields = some(Kind.BRACE_L, Kind.BRACE_R, this::inputValueDefinition);
            }
        }
        return new Definition(kind, description, name, dirs, interfaces, fields, types, enumValues, pos, builtIn);
    }

    private List<String> implementsInterfaces() throws GraphQLError {
        List<String> out = new ArrayList<>();
        if (peek().value().equals("implements")) {
            next();
            skip(Kind.AMP);
            out.add(name());
            while (skip(Kind.AMP)) out.add(name());
        }
        return out;
    }

    private List<String> unionMembers() throws GraphQLError {
        List<String> out = new ArrayList<>();
        if (skip(Kind.EQUALS)) {
            skip(Kind.PIPE);
            out.add(name());
            while (skip(Kind.PIPE)) out.add(name());
        }
        return out;
    }

    private List<EnumValueDefinition> enumValues() throws GraphQLError {
        return some(Kind.BRACE_L, Kind.BRACE_R, () -> {
            Position pos = peek().pos();
            String description = description();
            String name = name();
            return new EnumValueDefinition(description, name, directives(true), pos);
        });
    }

    private FieldDefinition fieldDefinition() throws GraphQLError {
        Position pos = peek().pos();
        String description = description();
        String name = name();
        List<ArgumentDefinition> args = some(Kind.PAREN_L, Kind.PAREN_R, this::argumentDefinition);
        expect(Kind.COLON);
        TypeRef type = typeReference();
        return new FieldDefinition(description, name, args, null, type, directives(true), pos);
    }

    private ArgumentDefinition argumentDefinition() throws GraphQLError {
        Position pos = peek().pos();
        String description = description();
        String name = name();
        expect(Kind.COLON);
        TypeRef type = typeReference();
        ValueNode dflt = skip(Kind.EQUALS) ? valueLiteral(true) : null;
        return new ArgumentDefinition(description, name, dflt, type, directives(true), pos);
    }

    private FieldDefinition inputValueDefinition() throws GraphQLError {
        Position pos = peek().pos();
        String description = description();
        String name = name();
        expect(Kind.COLON);
        TypeRef type = typeReference();
        ValueNode dflt = skip(Kind.EQUALS) ? valueLiteral(true) : null;
        return new FieldDefinition(description, name, List.of(), dflt, type, directives(true), pos);
    }

    private void extension(List<SchemaDefinition> schemaExt, List<Definition> exts, boolean builtIn)
            throws GraphQLError {
        expectKeyword("extend");
        String keyword = peek().value();
        if (keyword.equals("schema")) {
            next();
            Position pos = peek().pos();
            List<Directive> dirs = directives(true);
            List<OperationTypeDefinition> ops = operationTypes();
            if (dirs.isEmpty() && ops.isEmpty()) throw unexpected(peek());
            schemaExt.add(new SchemaDefinition("", dirs, ops, pos));
            return;
        }
        if (!Set.of("scalar", "type", "interface", "union", "enum", "input").contains(keyword)) throw unexpected(peek());
        next();
        Position pos = peek().pos();
        String name = name();
        List<String> interfaces = List.of();
        List<FieldDefinition> fields = List.of();
        List<String> types = List.of();
        List<EnumValueDefinition> enumValues = List.of();
        List<Directive> dirs;
        String kind;
        switch (keyword) {
            case "scalar" -> {
                kind = Ast.SCALAR;
                dirs = directives(true);
            }
            case "type" -> {
                kind = Ast.OBJECT_KIND;
                interfaces = implementsInterfaces();
                dirs = directives(true);
                fields = some(Kind.BRACE_L, Kind.BRACE_R, this::fieldDefinition);
            }
            case "interface" -> {
                kind = Ast.INTERFACE;
                dirs = directives(true);
                fields = some(Kind.BRACE_L, Kind.BRACE_R, this::fieldDefinition);
            }
            case "union" -> {
                kind = Ast.UNION;
                dirs = directives(true);
                types = unionMembers();
            }
            case "enum" -> {
                kind = Ast.ENUM_KIND;
                dirs = directives(true);
                enumValues = enumValues();
            }
            default -> {
                kind = Ast.INPUT_OBJECT;
                dirs = directives(false);
                fields = some(Kind.BRACE_L, Kind.BRACE_R, this::inputValueDefinition);
            }
        }
        if (interfaces.isEmpty() && dirs.isEmpty() && fields.isEmpty() && types.isEmpty() && enumValues.isEmpty()) {
            throw unexpected(peek());
        }
        exts.add(new Definition(kind, "", name, dirs, interfaces, fields, types, enumValues, pos, builtIn));
    }

    private DirectiveDefinition directiveDefinition(String description) throws GraphQLError {
        expectKeyword("directive");
        expect(Kind.AT);
        Position pos = peek().pos();
        String name = name();
        List<ArgumentDefinition> args = some(Kind.PAREN_L, Kind.PAREN_R, this::argumentDefinition);
        boolean repeatable = false;
        if (peek().kind() == Kind.NAME && peek().value().equals("repeatable")) {
            repeatable = true;
            next();
        }
        expectKeyword("on");
        skip(Kind.PIPE);
        List<String> locations = new ArrayList<>();
        locations.add(directiveLocation());
        while (skip(Kind.PIPE)) locations.add(directiveLocation());
        return new DirectiveDefinition(description, name, args, locations, repeatable, pos);
    }

    private String directiveLocation() throws GraphQLError {
        Token t = expect(Kind.NAME);
        if (!DIRECTIVE_LOCATIONS.contains(t.value())) throw unexpected(t);
        return t.value();
    }
}
