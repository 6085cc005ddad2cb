package dev.airlock.policy.builtins;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads cases of the shared OPA conformance suite, to take real inputs and expectations from it. */
final class Conformance {
    private Conformance() {}

    static Path root() {
        return Path.of(System.getProperty("airlock.root", ".."), "..", "shared", "conformance", "opa-v1");
    }

    static boolean present() {
        return Files.isDirectory(root());
    }

    /** Every case object in the topic folder. */
    static List<ObjectValue> cases(String topic) throws IOException, Json.ParseException {
        List<ObjectValue> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(root().resolve(topic))) {
            for (Path f : files.sorted().toList()) {
                ObjectValue doc = (ObjectValue) Json.parse(Files.readString(f));
                for (Value c : ((ArrayValue) doc.get("cases")).elements()) out.add((ObjectValue) c);
            }
        }
        return out;
    }

    static String module(ObjectValue c) {
        return ((StringValue) ((ArrayValue) c.get("modules")).get(0)).value();
    }

    /** The string assigned to {@code name := "..."} or {@code name := `...`} in a module, or null. */
    static String stringConstant(String module, String name) throws Json.ParseException {
        Matcher raw = Pattern.compile("(?m)^" + Pattern.quote(name) + " :?= `([^`]*)`").matcher(module);
        if (raw.find()) return raw.group(1);
        Matcher start = Pattern.compile("(?m)^" + Pattern.quote(name) + " :?= \"").matcher(module);
        if (!start.find()) return null;
        int i = start.end();
        while (i < module.length() && module.charAt(i) != '"') i += module.charAt(i) == '\\' ? 2 : 1;
        return ((StringValue) Json.parse(module.substring(start.end() - 1, i + 1))).value();
    }

    /** The value of x in the single expected binding, or null when the case expects no result or an error. */
    static Value wantX(ObjectValue c) {
        Value want = c.get("want_result");
        if (!(want instanceof ArrayValue a) || a.size() != 1) return null;
        return ((ObjectValue) a.get(0)).get("x");
    }
}
