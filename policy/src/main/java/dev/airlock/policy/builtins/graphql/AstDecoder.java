package dev.airlock.policy.builtins.graphql;

import dev.airlock.policy.builtins.graphql.Ast.*;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an AST object (as {@link AstJson} writes it) back into the document model, with the
 * leniency of Go's {@code encoding/json} that OPA relies on: unknown keys are ignored, absent or
 * null fields take zero values, keys match case-insensitively, and a value of the wrong JSON type
 * is an error. A selection is an inline fragment when it has {@code TypeCondition}, a field when it
 * has {@code Alias}, {@code Arguments} or {@code SelectionSet}, and a fragment spread otherwise.
 */
public final class AstDecoder {
    /** A value of the wrong JSON type, worded like Go's {@code json.UnmarshalTypeError}. */
    public static final class DecodeError extends Exception {
        DecodeError(String message) {
            super(message, null, false, false);
        }
    }

    private int depth;

    private AstDecoder() {}

    public static QueryDocument query(ObjectValue o) throws DecodeError {
        AstDecoder d = new AstDecoder();
        return new QueryDocument(d.list(o, "Operations", "QueryDocument", d::operation),
                d.list(o, "Fragments", "QueryDocument", d::fragment));
    }

    public static SchemaDocument schema(ObjectValue o) throws DecodeError {
        AstDecoder d = new AstDecoder();
        return new SchemaDocument(d.list(o, "Schema", "SchemaDocument", d::schemaDefinition),
                d.list(o, "SchemaExtension", "SchemaDocument", d::schemaDefinition),
                d.list(o, "Directives", "SchemaDocument", d::directiveDefinition),
                d.list(o, "Definitions", "SchemaDocument", d::definition),
                d.list(o, "Extensions", "SchemaDocument", d::definition));
    }

    // ---- field access with Go's matching and zero values ----

    private static Value field(ObjectValue o, String key) {
        Value v = o.get(key);
        if (v != null) return v instanceof NullValue ? null : v;
        for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
            if (e.getKey() instanceof StringValue s && s.value().equalsIgnoreCase(key)) {
                return e.getValue() instanceof NullValue ? null : e.getValue();
            }
        }
        return null;
    }

    private static DecodeError mismatch(Value got, String struct, String key, String goType) {
        String json = switch (got) {
            case StringValue s -> "string";
            case NumberValue n -> "number";
            case BoolValue b -> "bool";
            case ArrayValue a -> "array";
            case ObjectValue o -> "object";
            default -> got.typeName();
        };
        return new DecodeError("json: cannot unmarshal " + json + " into Go struct field " + struct + "." + key
                + " of type " + goType);
    }

    private static String string(ObjectValue o, String key, String struct) throws DecodeError {
        Value v = field(o, key);
        if (v == null) return "";
        if (v instanceof StringValue s) return s.value();
        throw mismatch(v, struct, key, "string");
    }

    private static boolean bool(ObjectValue o, String key, String struct) throws DecodeError {
        Value v = field(o, key);
        if (v == null) return false;
        if (v instanceof BoolValue b) return b.value();
        throw mismatch(v, struct, key, "bool");
    }

    private static List<String> strings(ObjectValue o, String key, String struct) throws DecodeError {
        Value v = field(o, key);
        if (v == null) return List.of();
        if (!(v instanceof ArrayValue a)) throw mismatch(v, struct, key, "[]string");
        List<String> out = new ArrayList<>();
        for (Value x : a.elements()) {
            if (x instanceof StringValue s) out.add(s.value());
            else if (x instanceof NullValue) out.add("");
            else throw mismatch(x, struct, key, "string");
        }
        return out;
    }

    private interface Reader<T> {
        T read(ObjectValue o) throws DecodeError;
    }

    private ObjectValue object(ObjectValue o, String key, String struct) throws DecodeError {
        Value v = field(o, key);
        if (v == null) return null;
        if (v instanceof ObjectValue x) return x;
        throw mismatch(v, struct, key, "ast." + key);
    }

    private <T> T nested(ObjectValue o, String key, String struct, Reader<T> r) throws DecodeError {
        ObjectValue x = object(o, key, struct);
        if (x == null) return null;
        if (++depth > Parser.MAX_DEPTH) throw new DecodeError("json: exceeded max depth");
        T out = r.read(x);
        depth--;
        return out;
    }

    private <T> List<T> list(ObjectValue o, String key, String struct, Reader<T> r) throws DecodeError {
        Value v = field(o, key);
        if (v == null) return List.of();
        if (!(v instanceof ArrayValue a)) throw mismatch(v, struct, key, "ast." + key);
        if (++depth > Parser.MAX_DEPTH) throw new DecodeError("json: exceeded max depth");
        List<T> out = new ArrayList<>();
        for (Value x : a.elements()) {
            if (x instanceof NullValue) continue;
            if (!(x instanceof ObjectValue xo)) throw mismatch(x, struct, key, "ast." + key);
            out.add(r.read(xo));
        }
        depth--;
        return out;
    }

    // ---- queries ----

    private OperationDefinition operation(ObjectValue o) throws DecodeError {
        String s = "OperationDefinition";
        return new OperationDefinition(string(o, "Operation", s), string(o, "Name", s),
                list(o, "VariableDefinitions", s, this::variable), list(o, "Directives", s, this::directive),
                list(o, "SelectionSet", s, this::selection), null);
    }

    private VariableDefinition variable(ObjectValue o) throws DecodeError {
        String s = "VariableDefinition";
        return new VariableDefinition(string(o, "Variable", s), type(o, s),
                nested(o, "DefaultValue", s, this::value), list(o, "Directives", s, this::directive), null);
    }

    private FragmentDefinition fragment(ObjectValue o) throws DecodeError {
        String s = "FragmentDefinition";
        return new FragmentDefinition(string(o, "Name", s), list(o, "VariableDefinition", s, this::variable),
                string(o, "TypeCondition", s), list(o, "Directives", s, this::directive),
                list(o, "SelectionSet", s, this::selection), null);
    }

    private Selection selection(ObjectValue o) throws DecodeError {
        if (field(o, "TypeCondition") != null) {
            String s = "InlineFragment";
            return new InlineFragment(string(o, "TypeCondition", s), list(o, "Directives", s, this::directive),
                    list(o, "SelectionSet", s, this::selection), null);
        }
        if (field(o, "Alias") != null || field(o, "Arguments") != null || field(o, "SelectionSet") != null) {
            String s = "Field";
            return new Field(string(o, "Alias", s), string(o, "Name", s), list(o, "Arguments", s, this::argument),
                    list(o, "Directives", s, this::directive), list(o, "SelectionSet", s, this::selection), null);
        }
        return new FragmentSpread(string(o, "Name", "FragmentSpread"),
                list(o, "Directives", "FragmentSpread", this::directive), null);
    }

    private Argument argument(ObjectValue o) throws DecodeError {
        return new Argument(string(o, "Name", "Argument"), nested(o, "Value", "Argument", this::value), null);
    }

    private Directive directive(ObjectValue o) throws DecodeError {
        return new Directive(string(o, "Name", "Directive"), list(o, "Arguments", "Directive", this::argument), null);
    }

    /** A missing type decodes to an empty named type, which schema validation reports as undefined. */
    private TypeRef type(ObjectValue o, String struct) throws DecodeError {
        TypeRef t = nested(o, "Type", struct, this::type);
        return t != null ? t : new TypeRef("", null, false, null);
    }

    private TypeRef type(ObjectValue o) throws DecodeError {
        return new TypeRef(string(o, "NamedType", "Type"), nested(o, "Elem", "Type", this::type),
                bool(o, "NonNull", "Type"), null);
    }

    private ValueNode value(ObjectValue o) throws DecodeError {
        int kind = 0;
        Value k = field(o, "Kind");
        if (k != null) {
            Integer i = k instanceof NumberValue n ? n.toIntExact() : null;
            if (i == null) throw mismatch(k, "Value", "Kind", "ast.ValueKind");
            kind = i;
        }
        List<ChildValue> children = list(o, "Children", "Value",
                c -> new ChildValue(string(c, "Name", "ChildValue"), nested(c, "Value", "ChildValue", this::value), null));
        return new ValueNode(string(o, "Raw", "Value"), children, kind, null);
    }

    // ---- schemas ----

    private SchemaDefinition schemaDefinition(ObjectValue o) throws DecodeError {
        String s = "SchemaDefinition";
        return new SchemaDefinition(string(o, "Description", s), list(o, "Directives", s, this::directive),
                list(o, "OperationTypes", s, x -> new OperationTypeDefinition(string(x, "Operation", "OperationTypeDefinition"),
                        string(x, "Type", "OperationTypeDefinition"), null)), null);
    }

    private DirectiveDefinition directiveDefinition(ObjectValue o) throws DecodeError {
        String s = "DirectiveDefinition";
        return new DirectiveDefinition(string(o, "Description", s), string(o, "Name", s),
                list(o, "Arguments", s, this::argumentDefinition), strings(o, "Locations", s),
                bool(o, "IsRepeatable", s), null);
    }

    private Definition definition(ObjectValue o) throws DecodeError {
        String s = "Definition";
        return new Definition(string(o, "Kind", s), string(o, "Description", s), string(o, "Name", s),
                list(o, "Directives", s, this::directive), strings(o, "Interfaces", s),
                list(o, "Fields", s, this::fieldDefinition), strings(o, "Types", s),
                list(o, "EnumValues", s, x -> new EnumValueDefinition(string(x, "Description", "EnumValueDefinition"),
                        string(x, "Name", "EnumValueDefinition"), list(x, "Directives", "EnumValueDefinition", this::directive),
                        null)),
                null, bool(o, "BuiltIn", s));
    }

    private FieldDefinition fieldDefinition(ObjectValue o) throws DecodeError {
        String s = "FieldDefinition";
        return new FieldDefinition(string(o, "Description", s), string(o, "Name", s),
                list(o, "Arguments", s, this::argumentDefinition), nested(o, "DefaultValue", s, this::value),
                type(o, s), list(o, "Directives", s, this::directive), null);
    }

    private ArgumentDefinition argumentDefinition(ObjectValue o) throws DecodeError {
        String s = "ArgumentDefinition";
        return new ArgumentDefinition(string(o, "Description", s), string(o, "Name", s),
                nested(o, "DefaultValue", s, this::value), type(o, s),
                list(o, "Directives", s, this::directive), null);
    }
}
