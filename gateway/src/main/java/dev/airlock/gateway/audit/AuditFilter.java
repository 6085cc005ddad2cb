package dev.airlock.gateway.audit;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which decisions a query wants. Every criterion is optional ({@code null}/false = any);
 * only {@link RecordKind#DECISION} entries ever match.
 */
public final class AuditFilter {
    private final Instant since;
    private final String agent;
    private final Pattern host;
    private final boolean deniedOnly;

    /**
     * @param since only decisions at or after this time
     * @param agent only this agent (exact match)
     * @param hostGlob only destinations whose host matches this shell-style glob ({@code *}
     *     any run of characters, {@code ?} one character), case-insensitively
     * @param deniedOnly only decisions that denied
     */
    public AuditFilter(Instant since, String agent, String hostGlob, boolean deniedOnly) {
        this.since = since;
        this.agent = agent;
        this.host = hostGlob == null ? null : globToPattern(hostGlob);
        this.deniedOnly = deniedOnly;
    }

    public boolean matches(AuditEntry entry) {
        AuditRecord r = entry.record();
        if (r == null) {
            return false;
        }
        return (since == null || !r.time().isBefore(since))
                && (agent == null || agent.equals(r.agent()))
                && (host == null || host.matcher(r.destination().host().toLowerCase(Locale.ROOT)).matches())
                && (!deniedOnly || !r.allow());
    }

    static Pattern globToPattern(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
