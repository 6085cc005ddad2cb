package dev.airlock.gateway.audit;

/**
 * External anchors for {@link AuditVerifier}: the chain proves that nothing before its last
 * record changed, these prove that nothing was cut from its end.
 *
 * @param headFile a head file to check the last log file against, or {@code null}
 * @param expectHead the hash the last record must have (noted down earlier), or {@code null}
 * @param expectSeq the seq the last record must have, or -1
 */
public record VerifyOptions(java.nio.file.Path headFile, String expectHead, long expectSeq) {
    public static VerifyOptions none() {
        return new VerifyOptions(null, null, -1);
    }
}
