package dev.airlock.secrets.config;

import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree whose every node remembers where it starts, so validation errors
 * can point at the exact line and column. Jackson's own tree drops locations.
 */
sealed interface YamlNode {
    SourcePosition position();

    /** What the node is, for messages such as "expected a list but found a string". */
    String describe();

    record Scalar(String text, boolean string, SourcePosition position) implements YamlNode {
        @Override
        public String describe() {
            return string ? "a string" : "'" + text + "'";
        }
    }

    /** An explicit or implicit null ({@code key:} with nothing after it). */
    record Null(SourcePosition position) implements YamlNode {
        @Override
        public String describe() {
            return "nothing (null)";
        }
    }

    record Sequence(List<YamlNode> items, SourcePosition position) implements YamlNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** Keys in document order; {@code keyPositions} says where each key is written. */
    record Mapping(Map<String, YamlNode> entries, Map<String, SourcePosition> keyPositions, SourcePosition position) implements YamlNode {
        @Override
        public String describe() {
            return "a mapping";
        }
    }
}
