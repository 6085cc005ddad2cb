package dev.airlock.gateway.audit;

/** What a line of the audit log is; written as the {@code kind} field. */
public enum RecordKind {
    /**
     * The first line of every log file. Its {@code prev} is 64 zeros for a new chain, or the
     * hash of the last line of the file this one continues (after rotation), so that deleting
     * the head of a file is always visible.
     */
    GENESIS("genesis"),
    /** One policy decision (an {@link AuditRecord}). */
    DECISION("decision"),
    /**
     * How an allowed request ended (an {@link AuditRecord} with the decision's id): status,
     * bytes each way, duration.
     */
    OUTCOME("outcome"),
    /** Written when opening a log found a torn tail and moved it aside. */
    RECOVERY("recovery");

    private final String wireName;

    RecordKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The kind for a name read from a log, or {@code null} when the name is not one. */
    public static RecordKind fromWireName(String name) {
        for (RecordKind k : values()) {
            if (k.wireName.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
