package dev.airlock.policy.builtins.graphql;

/**
 * The definitions every schema has implicitly (GraphQL spec: built-in scalars, directives and the
 * introspection types), merged before the user's schema as gqlparser's prelude is.
 */
final class Prelude {
    private Prelude() {}

    static final String SOURCE = """
            scalar Int
            scalar Float
            scalar String
            scalar Boolean
            scalar ID

            directive @include(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
            directive @skip(if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
            directive @defer(if: Boolean = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT
            directive @deprecated(reason: String = "No longer supported")
                on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
            directive @specifiedBy(url: String!) on SCALAR
            directive @oneOf on INPUT_OBJECT

            type __Schema {
              description: String
              types: [__Type!]!
              queryType: __Type!
              mutationType: __Type
              subscriptionType: __Type
              directives: [__Directive!]!
            }

            type __Type {
              kind: __TypeKind!
              name: String
              description: String
              fields(includeDeprecated: Boolean = false): [__Field!]
              interfaces: [__Type!]
              possibleTypes: [__Type!]
              enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
              inputFields(includeDeprecated: Boolean = false): [__InputValue!]
              ofType: __Type
              specifiedByURL: String
              isOneOf: Boolean
            }

            type __Field {
              name: String!
              description: String
              args(includeDeprecated: Boolean = false): [__InputValue!]!
              type: __Type!
              isDeprecated: Boolean!
              deprecationReason: String
            }

            type __InputValue {
              name: String!
              description: String
              type: __Type!
              defaultValue: String
              isDeprecated: Boolean!
              deprecationReason: String
            }

            type __EnumValue {
              name: String!
              description: String
              isDeprecated: Boolean!
              deprecationReason: String
            }

            enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }

            type __Directive {
              name: String!
              description: String
              locations: [__DirectiveLocation!]!
              args(includeDeprecated: Boolean = false): [__InputValue!]!
              isRepeatable: Boolean!
            }

            enum __DirectiveLocation {
              QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT
              VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION
              ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION
            }
            """;

    private static final Ast.SchemaDocument DOCUMENT;

    static {
        try {
            DOCUMENT = Parser.parseBuiltinSchema(SOURCE);
        } catch (GraphQLError e) {
            throw new ExceptionInInitializerError("bad GraphQL prelude: " + e.goString());
        }
    }

    static Ast.SchemaDocument document() {
        return DOCUMENT;
    }
}
