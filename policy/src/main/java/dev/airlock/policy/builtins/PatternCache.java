package dev.airlock.policy.builtins;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Compiled RE2 patterns shared by the regex and glob builtins, bounded so hostile policies or
 * inputs cannot grow it without limit. RE2 matching runs in time linear in the input.
 */
final class PatternCache {
    static final int MAX_ENTRIES = 1_000;
    /** Longest pattern text accepted; RE2 also bounds the compiled program. */
    static final int MAX_PATTERN_LENGTH = 64 * 1024;

    private static final Cache<String, Pattern> CACHE = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();

    private PatternCache() {}

    /** The compiled pattern, or an eval_builtin_error naming the syntax problem. */
    static Pattern compile(String regex) throws BuiltinException {
        Pattern p = CACHE.getIfPresent(regex);
        if (p != null) return p;
        if (regex.length() > MAX_PATTERN_LENGTH) throw BuiltinException.error("regular expression too long");
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw BuiltinException.error("error parsing regexp: " + e.getDescription() + ": `" + e.getPattern() + "`");
        } catch (RuntimeException e) {
            throw BuiltinException.error("error parsing regexp: " + e.getMessage());
        }
        CACHE.put(regex, p);
        return p;
    }
}
