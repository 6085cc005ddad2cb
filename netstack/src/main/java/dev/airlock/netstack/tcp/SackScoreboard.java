package dev.airlock.netstack.tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * The sender's record of what the guest has selectively acknowledged (RFC 2018, RFC 6675):
 * sorted, disjoint [start, end) ranges above SND.UNA. The sender uses it to retransmit only
 * holes. Bounded: at most {@link #MAX_RANGES} ranges are kept.
 */
final class SackScoreboard {
    static final int MAX_RANGES = 64;

    private final List<int[]> ranges = new ArrayList<>();
    private int sackedBytes;

    /** Merges one reported block; blocks at or below {@code una} or beyond {@code sndMax} are ignored (RFC 2018 sec. 5). */
    void add(int start, int end, int una, int sndMax) {
        if (!Seq.lt(start, end) || Seq.le(end, una) || Seq.gt(end, sndMax)) {
            return;
        }
        start = Seq.max(start, una);
        int i = 0;
        while (i < ranges.size() && Seq.lt(ranges.get(i)[1], start)) {
            i++;
        }
        // merge every range overlapping or touching [start, end)
        while (i < ranges.size() && Seq.le(ranges.get(i)[0], end)) {
            int[] r = ranges.remove(i);
            sackedBytes -= r[1] - r[0];
            start = Seq.min(start, r[0]);
            end = Seq.max(end, r[1]);
        }
        if (ranges.size() >= MAX_RANGES) {
            return;
        }
        ranges.add(i, new int[] {start, end});
        sackedBytes += end - start;
    }

    /** Forgets everything below the new cumulative ACK point. */
    void advance(int una) {
        while (!ranges.isEmpty()) {
            int[] r = ranges.getFirst();
            if (Seq.le(r[1], una)) {
                ranges.removeFirst();
                sackedBytes -= r[1] - r[0];
            } else {
                if (Seq.lt(r[0], una)) {
                    sackedBytes -= una - r[0];
                    r[0] = una;
                }
                break;
            }
        }
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    int sackedBytes() {
        return sackedBytes;
    }

    /** The end of the highest SACKed range, or {@code una} when none. */
    int highestSacked(int una) {
        return ranges.isEmpty() ? una : ranges.getLast()[1];
    }

    /**
     * The first un-SACKed sequence number at or after {@code from} that lies below the highest
     * SACKed byte (a hole the guest reported around), or {@code from} itself if it is not
     * covered. {@code limit[0]} receives the end of that hole (start of the next SACKed range).
     */
    int nextHole(int from, int[] limit) {
        int seq = from;
        for (int[] r : ranges) {
            if (Seq.le(r[1], seq)) {
                continue;
            }
            if (Seq.le(r[0], seq)) {
                seq = r[1];
                continue;
            }
            limit[0] = r[0];
            return seq;
        }
        limit[0] = seq; // no SACKed range above: not a hole
        return seq;
    }

    void clear() {
        ranges.clear();
        sackedBytes = 0;
    }
}
