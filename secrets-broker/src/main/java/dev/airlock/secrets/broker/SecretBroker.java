package dev.airlock.secrets.broker;

import dev.airlock.secrets.Secret;
import dev.airlock.secrets.scope.ScopeMismatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds placeholders in outbound requests, replaces them with real values where every
 * secret's scope allows it, and blocks the request as a leak otherwise. Immutable and
 * thread-safe; one per loaded secrets file.
 *
 * <p>The gateway calls {@link #inspect} to get the secrets present (policy input) and then
 * {@link #substitute} with the names the policy decision allows. The verdict is all or
 * nothing: if any occurrence is out of scope nothing is replaced and the request is
 * {@link SubstitutionResult.Blocked}, so a request never goes out half-rewritten.
 *
 * <p>Placeholders are looked for in the host, path, query, header names and values, the
 * decoded credentials of {@code Authorization: Basic}, and a buffered body. In the path and
 * query they are also looked for after percent-decoding: one found only that way was
 * disguised on purpose and is always a leak.
 */
public final class SecretBroker {
    /** Largest body the broker rewrites; a placeholder in a larger body blocks the request. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private final Map<String, Secret> byName;
    private final PlaceholderFinder finder;

    public SecretBroker(List<Secret> secrets) {
        Map<String, Secret> names = new LinkedHashMap<>();
        Map<String, Secret> placeholders = new LinkedHashMap<>();
        for (Secret s : secrets) {
            if (names.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("duplicate secret name " + s.name());
            }
            placeholders.put(s.placeholder(), s);
        }
        this.byName = Map.copyOf(names);
        this.finder = new PlaceholderFinder(Map.copyOf(placeholders));
    }

    /** The placeholders present in {@code request}, before any policy decision. */
    public Inspection inspect(OutboundRequest request) {
        Scan scan = scan(request);
        return new Inspection(scan.names(), scan.hits(), view(request), request.body() instanceof RequestBody.Streamed);
    }

    /** {@link #substitute(OutboundRequest, Set)} with every secret allowed by policy. */
    public SubstitutionResult substitute(OutboundRequest request) {
        return substitute(request, null);
    }

    /**
     * Replaces placeholders with real values, or blocks the request.
     *
     * @param policyAllowed the secrets the policy decision allows to inject; null for no
     *     restriction beyond each secret's own scope
     */
    public SubstitutionResult substitute(OutboundRequest request, Set<String> policyAllowed) {
        return substitute(request, inspect(request), policyAllowed);
    }

    /**
     * As {@link #substitute(OutboundRequest, Set)}, reusing what {@link #inspect} found in this
     * very request (the gateway inspects before deciding and substitutes after), so the
     * request is not scanned and masked twice.
     */
    public SubstitutionResult substitute(OutboundRequest request, Inspection inspection, Set<String> policyAllowed) {
        Scan scan = new Scan(inspection.hits(), inspection.secrets());
        RequestView view = inspection.view();
        Optional<String> bodyRefusal = request.body() instanceof RequestBody.Buffered buffered
                ? bodyRefusal(request, buffered) : Optional.empty();
        List<LeakFinding> leaks = new ArrayList<>();
        for (PlaceholderHit hit : scan.hits()) {
            List<ScopeMismatch> reasons = new ArrayList<>();
            Secret secret = byName.get(hit.secret());
            if (hit.disguised()) {
                reasons.add(new ScopeMismatch(ScopeMismatch.Aspect.ENCODING, "the placeholder was percent-encoded to hide it; send it literally"));
            }
            if (hit.where().placement() == null) {
                reasons.add(new ScopeMismatch(ScopeMismatch.Aspect.ENCODING, "placeholders are never replaced in " + hit.describe().substring(3)));
            } else {
                reasons.addAll(secret.scope().check(request.scheme(), request.host(), request.port(), request.method(),
                        request.path(), hit.where().placement()));
            }
            if (hit.where() == FoundAt.BODY && bodyRefusal.isPresent()) {
                reasons.add(new ScopeMismatch(ScopeMismatch.Aspect.BODY, bodyRefusal.get()));
            }
            if (policyAllowed != null && !policyAllowed.contains(hit.secret())) {
                reasons.add(new ScopeMismatch(ScopeMismatch.Aspect.POLICY, "the policy decision does not allow injecting " + hit.secret()));
            }
            if (!reasons.isEmpty()) {
                leaks.add(new LeakFinding(hit, reasons));
            }
        }
        if (!leaks.isEmpty()) {
            return new SubstitutionResult.Blocked(leaks, scan.names(), view);
        }
        if (scan.hits().isEmpty()) {
            return new SubstitutionResult.Rewritten(request, List.of(), List.of(), view);
        }
        return new SubstitutionResult.Rewritten(rewrite(request), scan.names(), scan.names(), view);
    }

    /** A scanner for a body the gateway streams instead of buffering. */
    public BodyPlaceholderScanner newBodyScanner() {
        return new BodyPlaceholderScanner(finder);
    }

    private static Optional<String> bodyRefusal(OutboundRequest request, RequestBody.Buffered body) {
        if (body.length() > MAX_BODY_BYTES) {
            return Optional.of("the body is " + body.length() + " bytes, over the " + MAX_BODY_BYTES + "-byte cap for rewriting");
        }
        return TextualContent.refusal(request);
    }

    private record Scan(List<PlaceholderHit> hits, List<String> names) {}

    private Scan scan(OutboundRequest request) {
        List<PlaceholderHit> hits = new ArrayList<>();
        addHits(hits, request.host(), FoundAt.HOST, "");
        addHitsWithDecoding(hits, request.path(), FoundAt.PATH);
        if (request.rawQuery() != null) {
            addHitsWithDecoding(hits, request.rawQuery(), FoundAt.QUERY);
        }
        for (HttpHeader h : request.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            addHits(hits, h.name(), FoundAt.HEADER_NAME, name);
            addHits(hits, h.value(), FoundAt.HEADER, name);
            basicCredentials(h).ifPresent(decoded -> addHits(hits, decoded, FoundAt.BASIC, name));
        }
        if (request.body() instanceof RequestBody.Buffered body) {
            addHits(hits, body.latin1(), FoundAt.BODY, "");
        }
        TreeSet<String> names = new TreeSet<>();
        hits.forEach(h -> names.add(h.secret()));
        return new Scan(hits, List.copyOf(names));
    }

    private void addHits(List<PlaceholderHit> hits, String text, FoundAt where, String detail) {
        for (PlaceholderFinder.Occurrence o : finder.find(text)) {
            hits.add(new PlaceholderHit(o.secret().name(), where, detail, false));
        }
    }

    /** Literal occurrences, plus a disguised hit for each one that only shows after percent-decoding. */
    private void addHitsWithDecoding(List<PlaceholderHit> hits, String text, FoundAt where) {
        List<PlaceholderFinder.Occurrence> literal = finder.find(text);
        for (PlaceholderFinder.Occurrence o : literal) {
            hits.add(new PlaceholderHit(o.secret().name(), where, "", false));
        }
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
            return;
        }
        Map<String, Integer> remaining = new LinkedHashMap<>();
        literal.forEach(o -> remaining.merge(o.secret().name(), 1, Integer::sum));
        for (PlaceholderFinder.Occurrence o : finder.find(PercentCoding.decodeLenient(text))) {
            String name = o.secret().name();
            if (remaining.getOrDefault(name, 0) > 0) {
                remaining.merge(name, -1, Integer::sum);
            } else {
                hits.add(new PlaceholderHit(name, where, "", true));
            }
        }
    }

    /** The decoded {@code user:password} of an {@code Authorization: Basic} header (bytes as chars). */
    private static Optional<String> basicCredentials(HttpHeader h) {
        if (!h.name().equalsIgnoreCase("authorization")) {
            return Optional.empty();
        }
        String v = h.value().strip();
        if (v.length() < 6 || !v.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            byte[] decoded = Base64.getDecoder().decode(v.substring(6).strip());
            return Optional.of(new String(decoded, StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private OutboundRequest rewrite(OutboundRequest request) {
        String path = finder.replace(request.path(), finder.find(request.path()), s -> PercentCoding.encode(s.valueAsLatin1()));
        String query = request.rawQuery() == null ? null
                : finder.replace(request.rawQuery(), finder.find(request.rawQuery()), s -> PercentCoding.encode(s.valueAsLatin1()));
        RequestBody body = request.body();
        Integer newLength = null;
        if (body instanceof RequestBody.Buffered buffered) {
            String text = buffered.latin1();
            List<PlaceholderFinder.Occurrence> found = finder.find(text);
            if (!found.isEmpty()) {
                byte[] rewritten = finder.replace(text, found, Secret::valueAsLatin1).getBytes(StandardCharsets.ISO_8859_1);
                body = new RequestBody.Buffered(rewritten);
                newLength = rewritten.length;
            }
        }
        List<HttpHeader> headers = new ArrayList<>(request.headers().size());
        for (HttpHeader h : request.headers()) {
            if (newLength != null && h.name().equalsIgnoreCase("content-length")) {
                headers.add(new HttpHeader(h.name(), Integer.toString(newLength)));
                continue;
            }
            String value = finder.replace(h.value(), finder.find(h.value()), Secret::valueAsLatin1);
            Optional<String> basic = basicCredentials(h);
            if (basic.isPresent()) {
                List<PlaceholderFinder.Occurrence> found = finder.find(basic.get());
                if (!found.isEmpty()) {
                    String credentials = finder.replace(basic.get(), found, Secret::valueAsLatin1);
                    value = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            headers.add(new HttpHeader(h.name(), value));
        }
        return new OutboundRequest(request.scheme(), request.host(), request.port(), request.method(), path, query, headers, body);
    }

    /** The request with placeholders and real values masked, for policy input and audit. */
    private RequestView view(OutboundRequest request) {
        List<HttpHeader> headers = new ArrayList<>(request.headers().size());
        for (HttpHeader h : request.headers()) {
            String value = mask(h.value());
            Optional<String> basic = basicCredentials(h);
            if (basic.isPresent()) {
                String masked = mask(basic.get());
                if (!masked.equals(basic.get())) {
                    value = "Basic " + Base64.getEncoder().encodeToString(masked.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            headers.add(new HttpHeader(h.name(), value));
        }
        return new RequestView(mask(request.path()), request.rawQuery() == null ? null : mask(request.rawQuery()), headers);
    }

    /** Placeholders and literal real values replaced by {@code [secret:NAME]}. */
    private String mask(String text) {
        String out = finder.replace(text, finder.find(text), s -> RequestView.marker(s.name()));
        for (Secret s : byName.values()) {
            String value = s.valueAsLatin1();
            if (out.contains(value)) {
                out = out.replace(value, RequestView.marker(s.name()));
            }
        }
        return out;
    }
}
