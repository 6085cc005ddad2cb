package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.setOf;

import dev.airlock.policy.types.Type;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** IP networks: net.cidr_* and net.lookup_ip_addr (the latter flagged NETWORK). */
public final class NetBuiltins {
    private NetBuiltins() {}

    /** Most addresses net.cidr_expand will list. */
    public static final int MAX_EXPAND = 1 << 16;

    private static final Type CIDR_TERMS = anyOf(S, arrayOf(anyOf(S, arrayOf(A))), setOf(anyOf(S, arrayOf(A))),
            objectOf(S, anyOf(S, arrayOf(A))));

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("net.cidr_contains", func(args(S, S), B), "Whether the CIDR contains the IP address or CIDR",
                        (ctx, a) -> {
                            IpNet net = cidr(string(a, 1));
                            String s = string(a, 2);
                            IpNet other = IpNet.parseAddress(s);
                            if (other == null) other = cidr(s);
                            return BoolValue.of(net.contains(other));
                        }),
                Builtin.of("net.cidr_intersects", func(args(S, S), B), "Whether two CIDRs overlap",
                        (ctx, a) -> BoolValue.of(cidr(string(a, 1)).intersects(cidr(string(a, 2))))),
                Builtin.of("net.cidr_is_valid", func(args(S), B), "Whether the string is a valid CIDR",
                        (ctx, a) -> BoolValue.of(IpNet.parseCidr(string(a, 1)) != null)),
                Builtin.of("net.cidr_expand", func(args(S), setOf(S)), "Every address in the CIDR",
                        (ctx, a) -> {
                            IpNet net = cidr(string(a, 1));
                            if (net.bits() - net.prefix() > 16) {
                                throw BuiltinException.error("CIDR " + string(a, 1) + " has more than " + MAX_EXPAND + " addresses");
                            }
                            TreeSet<Value> out = new TreeSet<>();
                            for (BigInteger x = net.first(); x.compareTo(net.last()) <= 0; x = x.add(BigInteger.ONE)) {
                                out.add(StringValue.of(IpNet.format(x, net.bits())));
                            }
                            return SetValue.wrap(out);
                        }),
                Builtin.of("net.cidr_contains_matches", func(args(CIDR_TERMS, CIDR_TERMS), setOf(arrayOf(A))),
                        "The pairs of keys of cidrs and addresses where the CIDR contains the address",
                        (ctx, a) -> containsMatches(a.get(0), a.get(1))),
                Builtin.of("net.cidr_merge", func(args(anyOf(arrayOf(S), setOf(S))), setOf(S)),
                        "The smallest set of CIDRs covering the given addresses and CIDRs",
                        (ctx, a) -> merge(Operands.arrayOrSet(a, 1))),
                Builtin.of("net.lookup_ip_addr", func(args(S), setOf(S)),
                        "The IP addresses a name resolves to (needs network access; IP literals need none)",
                        EnumSet.of(Builtin.Flag.NETWORK), (ctx, a) -> lookup(ctx, string(a, 1))));
    }

    private static IpNet cidr(String s) throws BuiltinException {
        IpNet n = IpNet.parseCidr(s);
        if (n == null) throw BuiltinException.error("invalid CIDR address: " + s);
        return n;
    }

    private record Entry(Value key, Value term, String text) {}

    private static List<Entry> entries(Value v, int pos) throws BuiltinException {
        List<Entry> out = new ArrayList<>();
        switch (v) {
            case StringValue s -> out.add(new Entry(s, s, s.value()));
            case ArrayValue arr -> {
                for (int i = 0; i < arr.size(); i++) out.add(entry(NumberValue.of(i), arr.get(i), pos));
            }
            case SetValue set -> {
                for (Value x : set.elements()) out.add(entry(x, x, pos));
            }
            case ObjectValue o -> {
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) out.add(entry(e.getKey(), e.getValue(), pos));
            }
            default -> throw Operands.typeError(pos, v, "string", "array", "set", "object");
        }
        return out;
    }

    private static Entry entry(Value key, Value term, int pos) throws BuiltinException {
        if (term instanceof StringValue s) return new Entry(key, term, s.value());
        if (term instanceof ArrayValue arr && arr.size() > 0 && arr.get(0) instanceof StringValue s) {
            return new Entry(key, term, s.value());
        }
        throw BuiltinException.error("operand " + pos + ": element must be string or non-empty array");
    }

    private static Value containsMatches(Value cidrs, Value addrs) throws BuiltinException {
        List<Entry> nets = entries(cidrs, 1);
        List<Entry> ips = entries(addrs, 2);
        TreeSet<Value> out = new TreeSet<>();
        for (Entry n : nets) {
            IpNet net = cidr(n.text());
            for (Entry ip : ips) {
                IpNet addr = IpNet.parseAddress(ip.text());
                if (addr == null) addr = cidr(ip.text());
                if (net.contains(addr)) out.add(ArrayValue.of(n.key(), ip.key()));
            }
        }
        return SetValue.wrap(out);
    }

    private static Value merge(java.util.Collection<Value> items) throws BuiltinException {
        List<IpNet> nets = new ArrayList<>();
        for (Value v : items) {
            if (!(v instanceof StringValue s)) throw Operands.elementError(1, ArrayValue.EMPTY, v, "string");
            String text = s.value();
            IpNet n;
            if (text.indexOf('/') >= 0) {
                n = IpNet.parseCidr(text);
                if (n == null) throw BuiltinException.error("invalid CIDR address: " + text);
            } else {
                BigInteger[] ip = IpNet.parseIp(text);
                if (ip == null) throw BuiltinException.error("invalid IP address: " + text);
                if (ip[1].intValue() == 128) throw BuiltinException.error("IPv6 invalid: needs prefix length");
                n = new IpNet(ip[0], 32, defaultPrefix(ip[0]));
            }
            nets.add(n.network());
        }
        TreeSet<Value> out = new TreeSet<>();
        for (int bits : new int[] {32, 128}) {
            List<IpNet> family = new ArrayList<>();
            for (IpNet n : nets) if (n.bits() == bits) family.add(n);
            for (IpNet n : mergeFamily(family)) out.add(StringValue.of(n.cidr()));
        }
        return SetValue.wrap(out);
    }

    /** Go's IP.DefaultMask: the classful prefix of an IPv4 address. */
    private static int defaultPrefix(BigInteger v4) {
        int first = v4.shiftRight(24).intValue();
        if (first < 0x80) return 8;
        if (first < 0xC0) return 16;
        return 24;
    }

    private static List<IpNet> mergeFamily(List<IpNet> nets) {
        List<IpNet> sorted = new ArrayList<>(nets);
        sorted.sort(Comparator.comparing(IpNet::first).thenComparingInt(IpNet::prefix));
        // drop blocks contained in an earlier one
        List<IpNet> kept = new ArrayList<>();
        for (IpNet n : sorted) {
            if (!kept.isEmpty() && kept.getLast().contains(n)) continue;
            kept.add(n);
        }
        // merge aligned sibling pairs until nothing changes
        boolean changed = true;
        while (changed) {
            changed = false;
            List<IpNet> next = new ArrayList<>();
            for (int i = 0; i < kept.size(); i++) {
                IpNet a = kept.get(i);
                if (i + 1 < kept.size() && a.prefix() > 0) {
                    IpNet b = kept.get(i + 1);
                    IpNet parent = new IpNet(a.first(), a.bits(), a.prefix() - 1).network();
                    if (b.prefix() == a.prefix() && parent.first().equals(a.first())
                            && b.first().equals(a.last().add(BigInteger.ONE))) {
                        next.add(parent);
                        i++;
                        changed = true;
                        continue;
                    }
                }
                if (!next.isEmpty() && next.getLast().contains(a)) {
                    changed = true;
                    continue;
                }
                next.add(a);
            }
            kept = next;
        }
        return kept;
    }

    private static Value lookup(BuiltinContext ctx, String name) throws BuiltinException {
        BigInteger[] literal = IpNet.parseIp(name);
        if (literal != null) return SetValue.of(StringValue.of(IpNet.format(literal[0], literal[1].intValue())));
        if (name.equalsIgnoreCase("localhost")) {
            // The loopback name needs no resolver (RFC 6761 reserves it for loopback).
            return SetValue.of(StringValue.of("127.0.0.1"), StringValue.of("::1"));
        }
        if (!ctx.networkEnabled()) {
            throw BuiltinException.error("net.lookup_ip_addr is disabled in airlock: name resolution needs network access");
        }
        try {
            TreeSet<Value> out = new TreeSet<>();
            for (InetAddress addr : InetAddress.getAllByName(name)) {
                BigInteger v = new BigInteger(1, addr.getAddress());
                out.add(StringValue.of(IpNet.format(v, addr.getAddress().length * 8)));
            }
            return SetValue.wrap(out);
        } catch (UnknownHostException e) {
            throw BuiltinException.error("lookup " + name + ": no such host");
        }
    }
}
