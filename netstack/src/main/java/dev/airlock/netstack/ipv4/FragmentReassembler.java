package dev.airlock.netstack.ipv4;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.packet.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounded IPv4 reassembly (RFC 791 section 3.2, with RFC 815's hole idea reduced to "sorted,
 * non-overlapping pieces"). Overlapping fragments that are not exact duplicates discard the
 * whole datagram, which defeats overlap-based evasion. Every limit in {@link FragmentLimits} is
 * enforced; state lives only on the stack thread.
 */
public final class FragmentReassembler {
    private record Key(int src, int dst, int protocol, int id) {}

    private record Piece(int offset, byte[] data) {}

    private static final class Datagram {
        final long started;
        final List<Piece> pieces = new ArrayList<>();
        byte[] header;
        int totalPayload = -1;
        int bytes;

        Datagram(long started) {
            this.started = started;
        }
    }

    private final FragmentLimits limits;
    private final NetstackCounters counters;
    private final Map<Key, Datagram> table = new LinkedHashMap<>();
    private int heldBytes;

    public FragmentReassembler(FragmentLimits limits, NetstackCounters counters) {
        this.limits = limits;
        this.counters = counters;
    }

    /** Datagrams currently under reassembly. */
    public int pending() {
        return table.size();
    }

    public int heldBytes() {
        return heldBytes;
    }

    /**
     * Offers one fragment. Returns the complete datagram (a fresh buffer holding a 20-byte header
     * and the whole payload) once all pieces are present, else null.
     */
    public ByteBuf offer(Ipv4Packet frag, long now) {
        counters.inc(Counter.FRAG_RECEIVED);
        expire(now);
        int offset = frag.fragmentOffset();
        int len = frag.payloadLength();
        boolean last = !frag.moreFragments();
        if (offset + len > 65535 - frag.headerLength() || (!last && (len == 0 || len % 8 != 0))) {
            counters.inc(Counter.FRAG_BAD_OFFSET);
            return null;
        }
        Key key = new Key(frag.source(), frag.destination(), frag.protocol(), frag.identification());
        Datagram d = table.get(key);
        if (d == null) {
            if (table.size() >= limits.maxDatagrams() || heldBytes + len > limits.maxBytes()) {
                counters.inc(Counter.FRAG_TABLE_FULL);
                return null;
            }
            d = new Datagram(now);
            table.put(key, d);
        } else if (heldBytes + len > limits.maxBytes()) {
            counters.inc(Counter.FRAG_TABLE_FULL);
            discard(key, d);
            return null;
        }
        if (last) {
            int total = offset + len;
            if ((d.totalPayload >= 0 && d.totalPayload != total) || maxEnd(d) > total) {
                counters.inc(Counter.FRAG_OVERLAP);
                discard(key, d);
                return null;
            }
            d.totalPayload = total;
        } else if (d.totalPayload >= 0 && offset + len > d.totalPayload) {
            counters.inc(Counter.FRAG_BAD_OFFSET);
            discard(key, d);
            return null;
        }
        byte[] data = new byte[len];
        frag.buffer().getBytes(frag.payloadOffset(), data);
        int insertAt = 0;
        for (Piece p : d.pieces) {
            int pEnd = p.offset() + p.data().length;
            if (offset < pEnd && p.offset() < offset + len) {
                if (p.offset() == offset && java.util.Arrays.equals(p.data(), data)) {
                    return null; // exact duplicate: harmless, ignore
                }
                counters.inc(Counter.FRAG_OVERLAP);
                discard(key, d);
                return null;
            }
            if (p.offset() < offset) insertAt++;
        }
        if (d.pieces.size() >= limits.maxFragmentsPerDatagram()) {
            counters.inc(Counter.FRAG_TOO_MANY);
            discard(key, d);
            return null;
        }
        d.pieces.add(insertAt, new Piece(offset, data));
        d.bytes += len;
        heldBytes += len;
        if (offset == 0) {
            d.header = frag.quote(0);
        }
        if (d.header == null || d.totalPayload < 0 || d.bytes != d.totalPayload) {
            return null;
        }
        // Pieces are sorted and disjoint, and their sizes add up to the total: no holes remain.
        table.remove(key);
        heldBytes -= d.bytes;
        counters.inc(Counter.FRAG_REASSEMBLED);
        ByteBuf out = Unpooled.buffer(Ipv4Packet.MIN_HEADER + d.totalPayload);
        out.writerIndex(Ipv4Packet.MIN_HEADER);
        for (Piece p : d.pieces) {
            out.writeBytes(p.data());
        }
        int ttl = d.header[8] & 0xff;
        Ipv4Packet.writeHeader(out, 0, Ipv4Packet.MIN_HEADER + d.totalPayload, key.id(), 0, ttl, key.protocol(),
                key.src(), key.dst());
        return out;
    }

    private static int maxEnd(Datagram d) {
        int end = 0;
        for (Piece p : d.pieces) end = Math.max(end, p.offset() + p.data().length);
        return end;
    }

    /** Drops datagrams older than the timeout; called on each fragment and from a periodic sweep. */
    public void expire(long now) {
        Iterator<Map.Entry<Key, Datagram>> it = table.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Datagram> e = it.next();
            if (now - e.getValue().started < limits.timeoutMillis()) {
                break; // insertion order is arrival order of the first fragment
            }
            counters.inc(Counter.FRAG_TIMEOUT);
            heldBytes -= e.getValue().bytes;
            it.remove();
        }
    }

    private void discard(Key key, Datagram d) {
        table.remove(key);
        heldBytes -= d.bytes;
    }
}
