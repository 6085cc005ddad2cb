package dev.airlock.cli;

import dev.airlock.gateway.audit.AuditRecord;
import dev.airlock.gateway.audit.RecordKind;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints decisions and outcomes as an aligned table while streaming (an outcome row shows
 * DONE where a decision row shows ALLOW or DENY): rows are buffered in blocks, column
 * widths come from the first block (never shrinking after), and wide cells are cut with
 * "…" so one huge path does not push every later row out of line. Every cell is made safe
 * for a terminal: control, format (bidi) and separator characters are shown as escapes, so a
 * hostile path cannot rewrite what the reviewer sees.
 */
final class AuditTable {
    private static final String[] HEADERS = {"TIME", "AGENT", "PHASE", "DECISION", "DESTINATION", "REQUEST", "STATUS", "REASON"};
    /** Widest each column may grow (the last column is never padded or cut). */
    private static final int[] MAX_WIDTH = {24, 20, 7, 8, 45, 50, 6, Integer.MAX_VALUE};
    private static final int BLOCK = 1000;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final PrintWriter out;
    private final List<String[]> block = new ArrayList<>();
    private final int[] width = new int[HEADERS.length];
    private boolean headerPrinted;

    AuditTable(PrintWriter out) {
        this.out = out;
        for (int i = 0; i < HEADERS.length; i++) {
            width[i] = HEADERS[i].length();
        }
    }

    void add(AuditRecord r) {
        String request = r.method() == null && r.path() == null ? "-"
                : (r.method() == null ? "" : r.method() + " ") + (r.path() == null ? "" : r.path());
        block.add(new String[] {
            TIME.format(r.time()),
            safe(r.agent()),
            r.phase().wireName(),
            r.kind() == RecordKind.OUTCOME ? "DONE" : r.allow() ? "ALLOW" : "DENY",
            safe(r.destination().host()) + ":" + r.destination().port(),
            safe(request),
            r.status() == AuditRecord.NO_STATUS ? "-" : Integer.toString(r.status()),
            safe(r.reason()),
        });
        if (block.size() == BLOCK) {
            flush();
        }
    }

    void finish() {
        flush();
    }

    private void flush() {
        if (!headerPrinted) {
            for (String[] row : block) {
                for (int i = 0; i < row.length - 1; i++) {
                    width[i] = Math.min(MAX_WIDTH[i], Math.max(width[i], row[i].length()));
                }
            }
            print(HEADERS);
            headerPrinted = true;
        }
        for (String[] row : block) {
            print(row);
        }
        block.clear();
    }

    private void print(String[] cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            if (i == cells.length - 1) {
                line.append(cell);
                break;
            }
            if (cell.length() > width[i]) {
                cell = cell.substring(0, width[i] - 1) + "…";
            }
            line.append(cell).append(" ".repeat(width[i] - cell.length() + 2));
        }
        out.println(line.toString().stripTrailing());
    }

    /** Replaces characters that a terminal would act on or hide with visible escapes. */
    static String safe(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int type = Character.getType(c);
            boolean unsafe = type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE && !isPaired(s, i);
            if (unsafe && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (unsafe) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    private static boolean isPaired(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
