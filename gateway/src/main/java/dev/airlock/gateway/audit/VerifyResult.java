package dev.airlock.gateway.audit;

import java.util.List;

/**
 * What {@link AuditVerifier} found.
 *
 * @param records lines verified before the first problem (all of them when intact)
 * @param lastSeq seq of the last verified record
 * @param lastHash SHA-256 of the last verified line
 * @param notes things a reviewer should know that are not failures: recoveries from a
 *     crash, a chain continued from an earlier file, a head file that lags, no tail anchor
 * @param problem the first break, or {@code null} when the chain is intact
 */
public record VerifyResult(long records, long lastSeq, String lastHash, List<String> notes, ChainBreak problem) {
    public boolean intact() {
        return problem == null;
    }
}
