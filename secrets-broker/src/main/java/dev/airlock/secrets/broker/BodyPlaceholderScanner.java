package dev.airlock.secrets.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Detects placeholders in a body too large to buffer ({@link RequestBody.Streamed}), fed in
 * chunks split anywhere. Nothing is replaced in such a body, so any placeholder found is a
 * leak: the gateway must stop forwarding and reset the upstream request. To make that
 * possible before the placeholder's last byte leaves, the gateway should hold back the last
 * {@link #holdBack()} bytes of what it has forwarded until the next chunk has been scanned.
 */
public final class BodyPlaceholderScanner {
    private final PlaceholderFinder finder;
    private String tail = "";
    private final Set<String> found = new LinkedHashSet<>();

    BodyPlaceholderScanner(PlaceholderFinder finder) {
        this.finder = finder;
    }

    /** Scans the next chunk; returns the names of secrets newly found in it (usually none). */
    public List<String> update(byte[] chunk, int offset, int length) {
        String window = tail + new String(chunk, offset, length, StandardCharsets.ISO_8859_1);
        List<String> fresh = new ArrayList<>();
        for (PlaceholderFinder.Occurrence o : finder.find(window)) {
            if (found.add(o.secret().name())) {
                fresh.add(o.secret().name());
            }
        }
        // Keep just enough to complete a placeholder that straddles the boundary. An occurrence
        // wholly inside the kept tail is found again next time; the set reports it once.
        int keep = Math.min(window.length(), Math.max(finder.maxLength() - 1, 0));
        tail = window.substring(window.length() - keep);
        return fresh;
    }

    public List<String> update(byte[] chunk) {
        return update(chunk, 0, chunk.length);
    }

    /** Every secret whose placeholder was seen so far. */
    public Set<String> found() {
        return Set.copyOf(found);
    }

    /** Bytes a forwarding gateway should keep back so a straddling placeholder is never completed upstream. */
    public int holdBack() {
        return Math.max(finder.maxLength() - 1, 0);
    }
}
