package dev.airlock.policy.rest;

import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * OPA's REST error document: {@code {"code": ..., "message": ..., "errors": [{"code", "message",
 * "location": {"file", "row", "col"}}]}}. The server writes it and the client reads it, so both
 * directions agree on one shape.
 */
public record OpaErrorBody(String code, String message, List<RegoError> errors) {
    // The codes OPA's server uses (server/types in OPA); airlock's server uses no others.
    public static final String INTERNAL = "internal_error";
    public static final String EVALUATION = "evaluation_error";
    public static final String INVALID_PARAMETER = "invalid_parameter";
    public static final String INVALID_OPERATION = "invalid_operation";
    public static final String RESOURCE_NOT_FOUND = "resource_not_found";
    public static final String RESOURCE_CONFLICT = "resource_conflict";
    public static final String UNDEFINED_DOCUMENT = "undefined_document";

    // OPA's fixed messages for the common failures, so clients that match on them keep working.
    public static final String MSG_COMPILE_MODULE = "error(s) occurred while compiling module(s)";
    public static final String MSG_PARSE_QUERY = "error(s) occurred while parsing query";
    public static final String MSG_COMPILE_QUERY = "error(s) occurred while compiling query";
    public static final String MSG_EVALUATION = "error(s) occurred while evaluating query";
    public static final String MSG_UNDEFINED = "document missing or undefined";

    public OpaErrorBody {
        errors = List.copyOf(errors);
    }

    public OpaErrorBody(String code, String message) {
        this(code, message, List.of());
    }

    public Value toValue() {
        TreeMap<Value, Value> m = new TreeMap<>();
        m.put(StringValue.of("code"), StringValue.of(code));
        m.put(StringValue.of("message"), StringValue.of(message));
        if (!errors.isEmpty()) {
            List<Value> items = new ArrayList<>(errors.size());
            for (RegoError e : errors) items.add(errorValue(e));
            m.put(StringValue.of("errors"), new ArrayValue(items));
        }
        return ObjectValue.wrap(m);
    }

    private static Value errorValue(RegoError e) {
        TreeMap<Value, Value> m = new TreeMap<>();
        m.put(StringValue.of("code"), StringValue.of(e.code()));
        m.put(StringValue.of("message"), StringValue.of(e.message()));
        Location loc = e.location();
        if (loc.row() > 0) {
            TreeMap<Value, Value> l = new TreeMap<>();
            l.put(StringValue.of("file"), StringValue.of(loc.file() == null ? "" : loc.file()));
            l.put(StringValue.of("row"), NumberValue.of(loc.row()));
            l.put(StringValue.of("col"), NumberValue.of(loc.col()));
            m.put(StringValue.of("location"), ObjectValue.wrap(l));
        }
        return ObjectValue.wrap(m);
    }

    /**
     * Reads an error document leniently: any field may be missing or of the wrong type (the
     * server may not be OPA at all), and what is missing reads as empty rather than failing.
     */
    public static OpaErrorBody from(Value body) {
        if (!(body instanceof ObjectValue o)) return new OpaErrorBody("", "");
        List<RegoError> errors = new ArrayList<>();
        if (o.get("errors") instanceof ArrayValue arr) {
            for (Value item : arr.elements()) {
                if (!(item instanceof ObjectValue e)) continue;
                Location loc = Location.NONE;
                if (e.get("location") instanceof ObjectValue l) {
                    loc = new Location(string(l.get("file")), integer(l.get("row")), integer(l.get("col")));
                }
                errors.add(new RegoError(string(e.get("code")), string(e.get("message")), loc));
            }
        }
        return new OpaErrorBody(string(o.get("code")), string(o.get("message")), errors);
    }

    private static String string(Value v) {
        return v instanceof StringValue s ? s.value() : "";
    }

    private static int integer(Value v) {
        if (!(v instanceof NumberValue n)) return 0;
        try {
            return n.value().intValueExact();
        } catch (ArithmeticException e) {
            return 0;
        }
    }

    /** One line: the code, the message and each detailed error with its location. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (!code.isEmpty()) sb.append(code);
        if (!message.isEmpty()) sb.append(sb.isEmpty() ? "" : ": ").append(message);
        for (RegoError e : errors) sb.append(sb.isEmpty() ? "" : "; ").append(e);
        return sb.toString();
    }
}
