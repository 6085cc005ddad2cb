package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.Value;
import org.junit.jupiter.api.Test;

class GraphQLBuiltinsTest {
    private static final String SCHEMA = """
            type Query { hero(episode: Episode): Character, search(text: String!): [SearchResult] }
            enum Episode { NEWHOPE EMPIRE JEDI }
            interface Character { id: ID!, name: String }
            type Human implements Character { id: ID!, name: String, height: Float }
            type Droid implements Character { id: ID!, name: String, primaryFunction: String }
            union SearchResult = Human | Droid
            """;

    private static Value gql(String name, String... texts) throws BuiltinException {
        Value[] args = new Value[texts.length];
        for (int i = 0; i < texts.length; i++) args[i] = str(texts[i]);
        return call(name, args);
    }

    private static void parseError(String expected, String name, String... texts) {
        Value[] args = new Value[texts.length];
        for (int i = 0; i < texts.length; i++) args[i] = str(texts[i]);
        BuiltinException e = assertThrows(BuiltinException.class, () -> call(name, args));
        assertEquals(BuiltinException.Kind.BUILTIN, e.kind());
        assertEquals(expected, e.getMessage());
    }

    private static boolean valid(String query) throws BuiltinException {
        return ((BoolValue) gql("graphql.is_valid", query, SCHEMA)).value();
    }

    @Test
    void queryAstUsesGqlparserFieldNamesAndDropsEmptyParts() throws Exception {
        assertEquals(json("""
                {"Operations": [{"Name": "Q", "Operation": "query",
                  "VariableDefinitions": [{"Type": {"NamedType": "Episode", "NonNull": true}, "Used": false, "Variable": "ep",
                    "DefaultValue": {"ExpectedTypeHasDefault": false, "Kind": 7, "Raw": "JEDI"}}],
                  "SelectionSet": [{"Alias": "h", "Name": "hero",
                    "Arguments": [{"Name": "episode", "Value": {"ExpectedTypeHasDefault": false, "Kind": 0, "Raw": "ep"}}],
                    "SelectionSet": [{"Alias": "name", "Name": "name"},
                      {"TypeCondition": "Droid", "SelectionSet": [{"Alias": "primaryFunction", "Name": "primaryFunction"}]},
                      {"Name": "F", "Directives": [{"Location": "", "Name": "skip", "Arguments": [{"Name": "if",
                        "Value": {"ExpectedTypeHasDefault": false, "Kind": 5, "Raw": "true"}}]}]}]}]}],
                 "Fragments": [{"Name": "F", "TypeCondition": "Human", "SelectionSet": [{"Alias": "height", "Name": "height"}]}]}
                """), gql("graphql.parse_query", """
                query Q($ep: Episode! = JEDI) { h: hero(episode: $ep) { name ... on Droid { primaryFunction } ...F @skip(if: true) } }
                fragment F on Human { height }
                """));
        assertEquals(ObjectValue.EMPTY, gql("graphql.parse_query", "  # nothing\n"));
    }

    @Test
    void valuesKeepTheirKindsAndBlockStringsAreDedented() throws Exception {
        Value ast = gql("graphql.parse_query", "{ f(a: [1, 2.5], b: {c: null}, d: \"\"\"\n    x\n      y\n  \"\"\") }");
        Value args = at(at(at(at(at(ast, "Operations"), 0), "SelectionSet"), 0), "Arguments");
        assertEquals(json("""
                [{"Name": "a", "Value": {"Children": [{"Name": "", "Value": {"ExpectedTypeHasDefault": false, "Kind": 1, "Raw": "1"}},
                   {"Name": "", "Value": {"ExpectedTypeHasDefault": false, "Kind": 2, "Raw": "2.5"}}],
                   "ExpectedTypeHasDefault": false, "Kind": 8, "Raw": ""}},
                 {"Name": "b", "Value": {"Children": [{"Name": "c", "Value": {"ExpectedTypeHasDefault": false, "Kind": 6, "Raw": "null"}}],
                   "ExpectedTypeHasDefault": false, "Kind": 9, "Raw": ""}},
                 {"Name": "d", "Value": {"ExpectedTypeHasDefault": false, "Kind": 4, "Raw": "x\\n  y"}}]
                """), args);
    }

    @Test
    void schemaAst() throws Exception {
        assertEquals(json("""
                {"Definitions": [{"BuiltIn": false, "Description": "A greeting", "Kind": "OBJECT", "Name": "Hello",
                   "Interfaces": ["Node"],
                   "Fields": [{"Description": "", "Name": "world", "Type": {"NamedType": "String", "NonNull": false},
                     "Arguments": [{"Description": "", "Name": "n", "Type": {"Elem": {"NamedType": "Int", "NonNull": true},
                       "NamedType": "", "NonNull": false}}]}]}],
                 "Directives": [{"Description": "", "IsRepeatable": true, "Locations": ["FIELD", "QUERY"], "Name": "d"}],
                 "Schema": [{"Description": "", "OperationTypes": [{"Operation": "query", "Type": "Hello"}]}]}
                """), gql("graphql.parse_schema", """
                "A greeting"
                type Hello implements Node { world(n: [Int!]): String }
                directive @d repeatable on FIELD | QUERY
                schema { query: Hello }
                """));
    }

    @Test
    void syntaxErrorsCarryGqlparserTextAndPosition() {
        parseError("Expected Name, found <EOF> in GraphQL string at location 1:2", "graphql.parse_query", "{");
        parseError("Unexpected Name \"notanoperation\" in GraphQL string at location 1:1", "graphql.parse_query",
                "notanoperation Foo { field }");
        parseError("Expected \"on\", found Name \"Type\" in GraphQL string at location 3:22", "graphql.parse_query",
                "\n  { ...MissingOn }\n  fragment MissingOn Type\n");
        parseError("Unexpected $ in GraphQL string at location 1:37", "graphql.parse_query",
                "query Foo($x: Complex = { a: { b: [ $var ] } }) { field }");
        // As in gqlparser, a lexing error surfaces as the parser's complaint about the <Invalid> token.
        parseError("Expected Name, found <Invalid> in GraphQL string at location 1:3", "graphql.parse_query", "{ ? }");
        parseError("Unexpected <Invalid> in GraphQL string at location 1:13", "graphql.parse_query", "{ f(a: \"x) }");
        parseError("expected at least one definition, found } in GraphQL string at location 1:13", "graphql.parse_schema",
                "type Hello {}");
        parseError("Unexpected String \"Description\" in GraphQL string at location 2:4", "graphql.parse_schema",
                "\n  \"Description\"\n  extend type Hello { world: String }");
        parseError("Unexpected <Invalid> in GraphQL string at location 2:1", "graphql.parse_schema", "\"\"\"\r");
    }

    @Test
    void validationFollowsTheSpecRules() throws Exception {
        assertEquals(true, valid("{ hero { name ... on Droid { primaryFunction } } }"));
        assertEquals(true, valid("query ($e: Episode = JEDI) { hero(episode: $e) { id } }"));
        assertEquals(true, valid("{ search(text: \"x\") { __typename ... on Human { height } } }"));
        assertEquals(false, valid("{ hero { nope } }"));
        assertEquals(false, valid("{ hero }"));
        assertEquals(false, valid("{ hero { name { x } } }"));
        assertEquals(false, valid("{ search { __typename } }"));
        assertEquals(false, valid("{ hero(episode: MARS) { name } }"));
        assertEquals(false, valid("{ hero(episode: 3) { name } }"));
        assertEquals(false, valid("query ($e: Episode) { hero { name } }"));
        assertEquals(false, valid("{ hero(episode: $e) { name } }"));
        assertEquals(false, valid("{ hero { ...Missing } }"));
        assertEquals(false, valid("{ hero { ...F } } fragment F on Character { ...G } fragment G on Character { ...F }"));
        assertEquals(false, valid("{ hero { name } } fragment Unused on Character { id }"));
        assertEquals(false, valid("mutation { hero { name } }"));
        assertEquals(false, valid("{ hero { name: id name } }"));
        assertEquals(false, valid("{ hero { name @unknown } }"));
    }

    @Test
    void parseReportsTheFirstValidationErrorWithItsLocation() {
        parseError("Field \"search\" argument \"text\" of type \"String!\" is required, but it was not provided "
                + "in GraphQL string at location 2:3", "graphql.parse", "{\n  search { __typename }\n}", SCHEMA);
        parseError("Cannot query field \"zzzzzz\" on type \"Character\" in GraphQL string at location 1:10",
                "graphql.parse", "{ hero { zzzzzz } }", SCHEMA);
    }

    @Test
    void messagesSuggestNearbyNames() {
        // OPA trims only a final ".\n" from gqlparser's error list, so a hint's "?\n" stays in the text.
        parseError("Cannot query field \"nmae\" on type \"Character\". Did you mean \"name\"?\n in GraphQL string at location 1:10",
                "graphql.parse", "{ hero { nmae } }", SCHEMA);
        parseError("Cannot query field \"height\" on type \"SearchResult\". Did you mean to use an inline fragment on "
                + "\"Human\"?\n in GraphQL string at location 1:23", "graphql.parse", "{ search(text: \"a\") { height } }", SCHEMA);
        parseError("Unknown argument \"episod\" on field \"Query.hero\". Did you mean \"episode\"?\n in GraphQL string at "
                + "location 1:8", "graphql.parse", "{ hero(episod: JEDI) { id } }", SCHEMA);
        parseError("Value \"JEDY\" does not exist in \"Episode\" enum. Did you mean the enum value \"JEDI\"?\n in GraphQL "
                + "string at location 1:17", "graphql.parse", "{ hero(episode: JEDY) { id } }", SCHEMA);
    }

    @Test
    void valueAndLeafMessagesFollowGraphqlJs() {
        parseError("Field \"hero\" of type \"Character\" must have a selection of subfields. Did you mean \"hero { ... }\"?\n"
                + " in GraphQL string at location 1:3", "graphql.parse", "{ hero }", SCHEMA);
        String ints = "type Query { f(i: Int, s: String, l: [String]): Int }";
        parseError("Int cannot represent non 32-bit signed integer value: 99999999999999999999\n in GraphQL string at location 1:8",
                "graphql.parse", "{ f(i: 99999999999999999999) }", ints);
        parseError("Int cannot represent non-integer value: 3.5\n in GraphQL string at location 1:8",
                "graphql.parse", "{ f(i: 3.5) }", ints);
        parseError("String cannot represent a non string value: 2\n in GraphQL string at location 1:14",
                "graphql.parse", "{ f(l: [\"a\", 2]) }", ints);
        parseError("Expected value of type \"Boolean!\", found null in GraphQL string at location 1:18",
                "graphql.parse", "{ hero @skip(if: null) { id } }", SCHEMA);
        BuiltinException e = assertThrows(BuiltinException.class,
                () -> gql("graphql.parse", "{ hero @skip(iff: true) { id } }", SCHEMA));
        assertEquals("Unknown argument \"iff\" on directive \"@skip\". Did you mean \"if\"?\n"
                + "input:1:9: Directive \"@skip\" argument \"if\" of type \"Boolean!\" is required, but it was not provided"
                + " in GraphQL string at location 1:14", e.getMessage());
    }

    @Test
    void subscriptionsSelectOneTopLevelField() throws Exception {
        String schema = "type Query { a: Int } type Subscription { x: Int, y: Int }";
        assertEquals(BoolValue.TRUE, gql("graphql.is_valid", "subscription S { x }", schema));
        assertEquals(BoolValue.TRUE, gql("graphql.is_valid", "subscription S { x ...F } fragment F on Subscription { x }", schema));
        parseError("Subscription \"S\" must select only one top level field in GraphQL string at location 1:20",
                "graphql.parse", "subscription S { x y }", schema);
        parseError("Schema does not support operation type \"subscription\"\n in GraphQL string at location 1:1",
                "graphql.parse", "subscription { x y }", "type Query { x: Int, y: Int }");
    }

    @Test
    void schemaValidity() throws Exception {
        assertEquals(BoolValue.TRUE, gql("graphql.schema_is_valid", SCHEMA));
        assertEquals(BoolValue.TRUE, gql("graphql.schema_is_valid", "extend type User { id: ID! } union U = User"));
        assertEquals(BoolValue.FALSE, gql("graphql.schema_is_valid", "union U = Missing"));
        assertEquals(BoolValue.FALSE, gql("graphql.schema_is_valid", "type T implements I { a: Int }"));
        assertEquals(BoolValue.FALSE, gql("graphql.schema_is_valid",
                "interface A { id: ID } interface B implements A { id: ID } type C implements B { id: ID }"));
        assertEquals(BoolValue.FALSE, gql("graphql.schema_is_valid", "type O { a: Int } input I { o: O }"));
        assertEquals(BoolValue.FALSE, gql("graphql.schema_is_valid", "type T { a: Int } type T { b: Int }"));
        assertEquals(BoolValue.FALSE, gql("graphql.schema_is_valid", "schema { query: Query }"));
        assertEquals(BoolValue.FALSE, gql("graphql.schema_is_valid", "type T { __a: Int }"));
        assertEquals(BoolValue.FALSE, call("graphql.schema_is_valid", json("3")));
        BuiltinException e = assertThrows(BuiltinException.class, () -> gql("graphql.parse", "{ a }", "union U = Missing"));
        assertEquals("Error in gqlparser SchemaDocument to Schema conversion: input:1:7: Undefined type \"Missing\".",
                e.getMessage());
    }

    @Test
    void astObjectsAreAcceptedWhereTextIs() throws Exception {
        String query = "query Q($e: Episode) { hero(episode: $e) { ...F ... on Droid { id } } } fragment F on Character { name }";
        Value q = gql("graphql.parse_query", query);
        Value s = gql("graphql.parse_schema", SCHEMA);
        assertEquals(ArrayValue.of(q, s), call("graphql.parse", q, s));
        assertEquals(ArrayValue.of(BoolValue.TRUE, q, s), call("graphql.parse_and_verify", q, s));
        assertEquals(BoolValue.TRUE, call("graphql.is_valid", q, str(SCHEMA)));
        assertEquals(BoolValue.TRUE, call("graphql.schema_is_valid", s));
        assertEquals(BoolValue.FALSE, call("graphql.is_valid", json("{\"Operations\": 7}"), s));
        builtinError("cannot unmarshal number", "graphql.parse", "{\"Operations\": 7}", "\"type Query { a: Int }\"");
    }

    @Test
    void verifyVariantsReturnFalseInsteadOfRaising() throws Exception {
        assertEquals(ArrayValue.of(BoolValue.FALSE, ObjectValue.EMPTY, ObjectValue.EMPTY),
                gql("graphql.parse_and_verify", "{ hero { nope } }", SCHEMA));
        assertEquals(ArrayValue.of(BoolValue.FALSE, ObjectValue.EMPTY, ObjectValue.EMPTY),
                call("graphql.parse_and_verify", json("1"), str(SCHEMA)));
        assertEquals(BoolValue.FALSE, gql("graphql.is_valid", "{", SCHEMA));
        assertEquals(BoolValue.FALSE, call("graphql.is_valid", str("{ a }"), json("[]")));
    }

    @Test
    void operandTypesUseOpasWording() {
        typeError("operand 1 must be string but got number", "graphql.parse_query", "1");
        typeError("operand 1 must be string but got object", "graphql.parse_schema", "{}");
        typeError("operand 0 must be one of {string, object} but got number", "graphql.parse", "1", "\"\"");
        typeError("operand 1 must be one of {string, object} but got array", "graphql.parse", "\"{ a }\"", "[]");
    }

    @Test
    void hostileNestingIsAnErrorNotACrash() throws Exception {
        String deepSelections = "{a".repeat(100_000) + "}".repeat(100_000);
        builtinError("nesting depth", "graphql.parse_query", "\"" + deepSelections + "\"");
        String deepList = "{ f(a: " + "[".repeat(100_000) + "]".repeat(100_000) + ") }";
        builtinError("nesting depth", "graphql.parse_query", "\"" + deepList + "\"");
        String deepType = "query ($v: " + "[".repeat(100_000) + "Int" + "]".repeat(100_000) + ") { a }";
        builtinError("nesting depth", "graphql.parse_query", "\"" + deepType + "\"");
        StringBuilder chain = new StringBuilder("{ ...F0 }\n");
        for (int i = 0; i < 5_000; i++) chain.append("fragment F").append(i).append(" on Query { ...F").append(i + 1).append(" }\n");
        chain.append("fragment F5000 on Query { a }");
        assertEquals(BoolValue.FALSE, gql("graphql.is_valid", chain.toString(), "type Query { a: Int }"));
        Value field = ObjectValue.of("Alias", str("a"));
        for (int i = 0; i < 3_000; i++) {
            java.util.TreeMap<Value, Value> m = new java.util.TreeMap<>();
            m.put(str("Alias"), str("a"));
            m.put(str("SelectionSet"), ArrayValue.of(field));
            field = ObjectValue.wrap(m);
        }
        Value doc = ObjectValue.of("Operations", ArrayValue.of(ObjectValue.of("SelectionSet", ArrayValue.of(field))));
        assertEquals(BoolValue.FALSE, call("graphql.is_valid", doc, str("type Query { a: Int }")));
    }

    private static Value at(Value v, Object key) {
        return key instanceof Integer i ? ((ArrayValue) v).get(i) : ((ObjectValue) v).get((String) key);
    }
}
