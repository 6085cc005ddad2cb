package dev.airlock.secrets.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML document into {@link YamlNode}s with positions, through Jackson's streaming
 * YAML parser. Duplicate keys are reported rather than letting the last one win silently.
 */
final class YamlTreeReader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final List<SecretsFileError> errors;
    private final java.nio.file.Path file;

    YamlTreeReader(java.nio.file.Path file, List<SecretsFileError> errors) {
        this.file = file;
        this.errors = errors;
    }

    /** The root node, or null (with an error recorded) when the YAML itself is malformed. */
    YamlNode read(byte[] content) {
        try (JsonParser parser = FACTORY.createParser(content)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlNode.Null(new SourcePosition(1, 1));
            }
            YamlNode root = node(parser);
            if (parser.nextToken() != null) {
                errors.add(SecretsFileError.at(file, position(parser.currentTokenLocation()), "",
                        "the file holds more than one YAML document; put everything under one 'secrets:' list"));
            }
            return root;
        } catch (StreamReadException e) {
            errors.add(SecretsFileError.at(file, position(e.getLocation()), "", "not valid YAML: " + firstLine(e.getOriginalMessage())));
            return null;
        } catch (IOException e) {
            errors.add(SecretsFileError.at(file, SourcePosition.UNKNOWN, "", "not valid YAML: " + e.getMessage()));
            return null;
        }
    }

    private YamlNode node(JsonParser parser) throws IOException {
        SourcePosition at = position(parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> mapping(parser, at);
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser));
                }
                yield new YamlNode.Sequence(items, at);
            }
            case VALUE_NULL -> new YamlNode.Null(at);
            // Jackson reports an absent value ("key:" with nothing after it) as an empty string.
            case VALUE_STRING -> parser.getText().isEmpty() ? new YamlNode.Null(at) : new YamlNode.Scalar(parser.getText(), true, at);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_EMBEDDED_OBJECT ->
                    new YamlNode.Scalar(parser.getText(), false, at);
            default -> throw new com.fasterxml.jackson.core.JsonParseException(parser, "unexpected YAML token " + token);
        };
    }

    private YamlNode mapping(JsonParser parser, SourcePosition at) throws IOException {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, SourcePosition> keys = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            SourcePosition keyAt = position(parser.currentTokenLocation());
            parser.nextToken();
            YamlNode value = node(parser);
            if (entries.containsKey(key)) {
                SourcePosition first = keys.get(key);
                errors.add(SecretsFileError.at(file, keyAt, "", "duplicate key '" + key + "' (first at line " + first.line()
                        + "); a repeated key would silently replace the first"));
                continue;
            }
            entries.put(key, value);
            keys.put(key, keyAt);
        }
        return new YamlNode.Mapping(entries, keys, at);
    }

    private static SourcePosition position(JsonLocation location) {
        if (location == null || location.getLineNr() <= 0) {
            return SourcePosition.UNKNOWN;
        }
        return new SourcePosition(location.getLineNr(), Math.max(location.getColumnNr(), 1));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "parse error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
