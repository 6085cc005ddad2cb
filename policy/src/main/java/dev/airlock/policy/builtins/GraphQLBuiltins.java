package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.tuple;

import dev.airlock.policy.builtins.graphql.Ast.QueryDocument;
import dev.airlock.policy.builtins.graphql.Ast.SchemaDocument;
import dev.airlock.policy.builtins.graphql.AstDecoder;
import dev.airlock.policy.builtins.graphql.AstJson;
import dev.airlock.policy.builtins.graphql.GraphQLError;
import dev.airlock.policy.builtins.graphql.Parser;
import dev.airlock.policy.builtins.graphql.QueryValidator;
import dev.airlock.policy.builtins.graphql.Schema;
import dev.airlock.policy.types.Type;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.List;

/**
 * graphql.parse, parse_and_verify, parse_query, parse_schema, is_valid and schema_is_valid:
 * GraphQL documents parsed and validated by our {@code graphql} package, returned as OPA's JSON
 * view of gqlparser's AST, with OPA's error texts ({@code ... in GraphQL string at location L:C}).
 */
public final class GraphQLBuiltins {
    private GraphQLBuiltins() {}

    private static final Type OBJECT = objectOf(A, A);
    private static final Type DOC = anyOf(S, OBJECT);

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("graphql.parse", func(args(DOC, DOC), tuple(OBJECT, OBJECT)),
                        "Parses a GraphQL query and schema, validates the query against the schema, and returns both ASTs",
                        (ctx, a) -> {
                            QueryDocument q = query(a.get(0), 0);
                            SchemaDocument s = schemaDoc(a.get(1), 1);
                            Schema schema = build(s);
                            validate(schema, q);
                            return ArrayValue.of(AstJson.query(q), AstJson.schema(s));
                        }),
                Builtin.of("graphql.parse_and_verify", func(args(DOC, DOC), tuple(B, OBJECT, OBJECT)),
                        "Like graphql.parse, but returns [valid, query AST, schema AST] instead of raising errors",
                        (ctx, a) -> {
                            try {
                                QueryDocument q = query(a.get(0), 0);
                                SchemaDocument s = schemaDoc(a.get(1), 1);
                                validate(build(s), q);
                                return ArrayValue.of(BoolValue.TRUE, AstJson.query(q), AstJson.schema(s));
                            } catch (BuiltinException e) {
                                return ArrayValue.of(BoolValue.FALSE, ObjectValue.EMPTY, ObjectValue.EMPTY);
                            }
                        }),
                Builtin.of("graphql.parse_query", func(args(S), OBJECT), "Parses a GraphQL query into its AST",
                        (ctx, a) -> AstJson.query(parseQuery(Operands.string(a, 1)))),
                Builtin.of("graphql.parse_schema", func(args(S), OBJECT), "Parses a GraphQL schema into its AST",
                        (ctx, a) -> AstJson.schema(parseSchema(Operands.string(a, 1)))),
                Builtin.of("graphql.is_valid", func(args(DOC, DOC), B),
                        "Whether a GraphQL query (text or AST) is valid against a schema (text or AST)",
                        (ctx, a) -> {
                            try {
                                QueryDocument q = query(a.get(0), 0);
                                validate(build(schemaDoc(a.get(1), 1)), q);
                                return BoolValue.TRUE;
                            } catch (BuiltinException e) {
                                return BoolValue.FALSE;
                            }
                        }),
                Builtin.of("graphql.schema_is_valid", func(args(DOC), B),
                        "Whether a GraphQL schema (text or AST) is valid",
                        (ctx, a) -> {
                            try {
                                build(schemaDoc(a.get(0), 0));
                                return BoolValue.TRUE;
                            } catch (BuiltinException e) {
                                return BoolValue.FALSE;
                            }
                        }));
    }

    /** OPA numbers these operands from 0 in its type errors; we keep its wording. */
    private static QueryDocument query(Value v, int pos) throws BuiltinException {
        return switch (v) {
            case StringValue s -> parseQuery(s.value());
            case ObjectValue o -> {
                try {
                    yield AstDecoder.query(o);
                } catch (AstDecoder.DecodeError e) {
                    throw BuiltinException.error(e.getMessage());
                }
            }
            default -> throw Operands.typeError(pos, v, "string", "object");
        };
    }

    private static SchemaDocument schemaDoc(Value v, int pos) throws BuiltinException {
        return switch (v) {
            case StringValue s -> parseSchema(s.value());
            case ObjectValue o -> {
                try {
                    yield AstDecoder.schema(o);
                } catch (AstDecoder.DecodeError e) {
                    throw BuiltinException.error(e.getMessage());
                }
            }
            default -> throw Operands.typeError(pos, v, "string", "object");
        };
    }

    private static QueryDocument parseQuery(String text) throws BuiltinException {
        try {
            return Parser.parseQuery(text);
        } catch (GraphQLError e) {
            throw BuiltinException.error(located(e.goString(), false));
        }
    }

    private static SchemaDocument parseSchema(String text) throws BuiltinException {
        try {
            return Parser.parseSchema(text);
        } catch (GraphQLError e) {
            throw BuiltinException.error(located(e.goString(), false));
        }
    }

    private static Schema build(SchemaDocument doc) throws BuiltinException {
        try {
            return Schema.build(doc);
        } catch (GraphQLError e) {
            throw BuiltinException.error("Error in gqlparser SchemaDocument to Schema conversion: " + e.goString());
        }
    }

    private static void validate(Schema schema, QueryDocument q) throws BuiltinException {
        List<GraphQLError> errors = QueryValidator.validate(schema, q);
        if (errors.isEmpty()) return;
        if (errors.getFirst().position() == null) {
            // A query given as an AST object has no positions (OPA itself fails to slice such errors).
            String msg = errors.getFirst().getMessage();
            throw BuiltinException.error(msg.endsWith(".") ? msg.substring(0, msg.length() - 1) : msg);
        }
        StringBuilder all = new StringBuilder();
        for (GraphQLError e : errors) all.append(e.goString()).append('\n');
        throw BuiltinException.error(located(all.toString(), true));
    }

    /**
     * OPA's rewrite of gqlparser's {@code input:L:C: message}: the text after the third colon,
     * then {@code in GraphQL string at location L:C}. Validation errors arrive as gqlparser's list
     * (one {@code input:L:C: message} line each), from which OPA trims only a final ".\n": with
     * several errors the later lines stay in the text, and a message ending in "?" keeps its newline.
     */
    private static String located(String goError, boolean trimPeriod) {
        String[] parts = goError.split(":", 4);
        if (parts.length < 4) return goError.strip();
        String msg = parts[3].stripLeading();
        if (trimPeriod && msg.endsWith(".\n")) msg = msg.substring(0, msg.length() - 2);
        return msg + " in GraphQL string at location " + parts[1] + ":" + parts[2];
    }
}
