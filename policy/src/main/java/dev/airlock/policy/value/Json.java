package dev.airlock.policy.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON to and from {@link Value}, with OPA's conventions: numbers keep full precision, sets
 * are written as arrays, and object keys that are not strings are written as their JSON text.
 */
public final class Json {
    /** Deeper documents are refused rather than risking the parser's or our own stack. */
    public static final int MAX_DEPTH = 1000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private Json() {}

    /** Thrown for text that is not one well-formed JSON value; the message names line and column. */
    public static final class ParseException extends Exception {
        public ParseException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static Value parse(String text) throws ParseException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) throw new ParseException("empty JSON document", null);
            Value v = read(p, first);
            if (p.nextToken() != null) {
                throw new ParseException("unexpected content after the JSON value at line "
                        + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr(), null);
            }
            return v;
        } catch (ParseException e) {
            throw e;
        } catch (IOException e) {
            String msg = e.getMessage();
            int cut = msg.indexOf("\n at [Source");
            throw new ParseException("invalid JSON: " + (cut >= 0 ? msg.substring(0, cut) : msg), e);
        }
    }

    private static Value read(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NULL -> NullValue.NULL;
            case VALUE_TRUE -> BoolValue.TRUE;
            case VALUE_FALSE -> BoolValue.FALSE;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> NumberValue.parse(p.getText());
            case VALUE_STRING -> StringValue.of(p.getText());
            case START_ARRAY -> {
                List<Value> items = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
                    items.add(read(p, n));
                }
                yield new ArrayValue(items);
            }
            case START_OBJECT -> {
                TreeMap<Value, Value> m = new TreeMap<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
                    StringValue key = StringValue.of(p.currentName());
                    m.put(key, read(p, p.nextToken()));
                }
                yield ObjectValue.wrap(m);
            }
            default -> throw new IOException("unexpected JSON token " + t);
        };
    }

    /** Compact JSON text. */
    public static String write(Value v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    public static void write(StringBuilder sb, Value v) {
        switch (v) {
            case StringValue s -> quote(sb, s.value());
            case ArrayValue a -> writeAll(sb, a.elements());
            case SetValue s -> writeAll(sb, s.elements());
            case ObjectValue o -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    quote(sb, e.getKey() instanceof StringValue k ? k.value() : write(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            default -> sb.append(v);
        }
    }

    private static void writeAll(StringBuilder sb, Iterable<Value> items) {
        sb.append('[');
        boolean first = true;
        for (Value item : items) {
            if (!first) sb.append(',');
            first = false;
            write(sb, item);
        }
        sb.append(']');
    }

    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(sb, s);
        return sb.toString();
    }

    /** JSON string literal, escaping as Go's encoding/json does (including <, >, & as \\u003c...). */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
