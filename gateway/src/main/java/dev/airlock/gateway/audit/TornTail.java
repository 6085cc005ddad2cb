package dev.airlock.gateway.audit;

/**
 * Bytes at the end of a log that are not a complete record, found when the log is opened.
 *
 * @param offset where the torn bytes start (the log is truncated to this length)
 * @param length how many bytes were torn
 * @param why what was wrong, for the recovery record
 * @param savedAs the file name the bytes were moved to ({@code null} until they are)
 * @param sha256 hash of the torn bytes, so the saved copy can be matched to the record
 */
record TornTail(long offset, long length, String why, String savedAs, String sha256) {
    TornTail savedAs(String fileName, String hash) {
        return new TornTail(offset, length, why, fileName, hash);
    }
}
