package dev.airlock.secrets.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.secrets.Secret;
import dev.airlock.secrets.placeholder.PlaceholderKey;
import dev.airlock.secrets.scope.HostPattern;
import dev.airlock.secrets.scope.PathPrefix;
import dev.airlock.secrets.scope.Placement;
import dev.airlock.secrets.scope.ScopeMismatch;
import dev.airlock.secrets.scope.SecretScope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretBrokerTest {
    private static final PlaceholderKey KEY = PlaceholderKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final String VALUE = "sk-real-value-1234";
    private static final String PH = KEY.placeholderFor("API_KEY");
    private static final String OTHER_VALUE = "other-secret-5678";
    private static final String OTHER_PH = KEY.placeholderFor("OTHER");

    private static Secret secret(String name, String value, Set<Placement> placements) {
        SecretScope scope = new SecretScope(Set.of("https"), List.of(HostPattern.parse("api.example.com")),
                List.of(PathPrefix.parse("/v1/")), Set.of("POST"), placements);
        return new Secret(name, value.getBytes(StandardCharsets.UTF_8), KEY.placeholderFor(name), scope);
    }

    private static final SecretBroker ALL_PLACEMENTS = new SecretBroker(List.of(
            secret("API_KEY", VALUE, EnumSet.allOf(Placement.class)),
            new Secret("OTHER", OTHER_VALUE.getBytes(StandardCharsets.UTF_8), OTHER_PH,
                    new SecretScope(Set.of("https"), List.of(HostPattern.parse("other.example.com")), List.of(), Set.of(), Set.of(Placement.HEADER)))));

    /** A request builder with in-scope defaults. */
    private static final class Req {
        String scheme = "https";
        String host = "api.example.com";
        int port = 443;
        String method = "POST";
        String path = "/v1/chat";
        String query;
        List<HttpHeader> headers = new ArrayList<>(List.of(new HttpHeader("Host", "api.example.com")));
        RequestBody body = RequestBody.NONE;

        Req header(String name, String value) {
            headers.add(new HttpHeader(name, value));
            return this;
        }

        Req body(String contentType, String text) {
            header("Content-Type", contentType);
            header("Content-Length", Integer.toString(text.getBytes(StandardCharsets.UTF_8).length));
            body = new RequestBody.Buffered(text.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        OutboundRequest build() {
            return new OutboundRequest(scheme, host, port, method, path, query, headers, body);
        }
    }

    private static SubstitutionResult.Rewritten rewritten(SubstitutionResult r) {
        return assertInstanceOf(SubstitutionResult.Rewritten.class, r, () -> r.toString());
    }

    private static SubstitutionResult.Blocked blocked(SubstitutionResult r) {
        return assertInstanceOf(SubstitutionResult.Blocked.class, r);
    }

    @Test
    void headerInScopeIsReplaced() {
        OutboundRequest in = new Req().header("Authorization", "Bearer " + PH).build();
        SubstitutionResult.Rewritten r = rewritten(ALL_PLACEMENTS.substitute(in));
        assertEquals("Bearer " + VALUE, r.request().header("authorization"));
        assertEquals(List.of("API_KEY"), r.injected());
        assertEquals(List.of("API_KEY"), r.secrets());
        assertEquals("Bearer [secret:API_KEY]", header(r.view().headers(), "Authorization"), "policy view shows names, not values");
    }

    @Test
    void basicCredentialsInScopeAreReplacedAndReEncoded() {
        String creds = Base64.getEncoder().encodeToString(("user:" + PH).getBytes(StandardCharsets.US_ASCII));
        OutboundRequest in = new Req().header("Authorization", "Basic " + creds).build();
        SubstitutionResult.Rewritten r = rewritten(ALL_PLACEMENTS.substitute(in));
        String out = r.request().header("Authorization");
        assertEquals("user:" + VALUE, new String(Base64.getDecoder().decode(out.substring(6)), StandardCharsets.US_ASCII));
        String viewed = header(r.view().headers(), "Authorization");
        assertEquals("user:[secret:API_KEY]", new String(Base64.getDecoder().decode(viewed.substring(6)), StandardCharsets.US_ASCII));
    }

    @Test
    void queryAndPathInScopeAreReplacedPercentEncoded() {
        Secret slashy = secret("SLASHY", "a/b&c=d+e f", EnumSet.of(Placement.QUERY, Placement.PATH));
        SecretBroker broker = new SecretBroker(List.of(slashy));
        Req req = new Req();
        req.path = "/v1/keys/" + slashy.placeholder();
        req.query = "key=" + slashy.placeholder() + "&x=1";
        SubstitutionResult.Rewritten r = rewritten(broker.substitute(req.build()));
        assertEquals("/v1/keys/a%2Fb%26c%3Dd%2Be%20f", r.request().path());
        assertEquals("key=a%2Fb%26c%3Dd%2Be%20f&x=1", r.request().rawQuery());
        assertEquals("/v1/keys/[secret:SLASHY]", r.view().path());
        assertEquals("key=[secret:SLASHY]&x=1", r.view().rawQuery());
    }

    @Test
    void textualBodyInScopeIsReplacedAndContentLengthUpdated() {
        OutboundRequest in = new Req().body("application/json; charset=utf-8", "{\"key\":\"" + PH + "\"}").build();
        SubstitutionResult.Rewritten r = rewritten(ALL_PLACEMENTS.substitute(in));
        byte[] expected = ("{\"key\":\"" + VALUE + "\"}").getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, ((RequestBody.Buffered) r.request().body()).bytes());
        assertEquals(Integer.toString(expected.length), r.request().header("content-length"));
    }

    @Test
    void requestWithoutPlaceholdersIsPassedThroughUnchanged() {
        OutboundRequest in = new Req().header("Accept", "*/*").build();
        SubstitutionResult.Rewritten r = rewritten(ALL_PLACEMENTS.substitute(in));
        assertSame(in, r.request());
        assertEquals(List.of(), r.injected());
    }

    @Test
    void wrongHostIsALeak() {
        Req req = new Req().header("Authorization", "Bearer " + PH);
        req.host = "evil.example.com";
        SubstitutionResult.Blocked b = blocked(ALL_PLACEMENTS.substitute(req.build()));
        assertEquals(1, b.leaks().size());
        LeakFinding leak = b.leaks().get(0);
        assertEquals("API_KEY", leak.secret());
        assertEquals(FoundAt.HEADER, leak.hit().where());
        assertEquals("authorization", leak.hit().detail());
        assertEquals(List.of(ScopeMismatch.Aspect.HOST), aspects(leak));
        assertEquals("API_KEY placeholder in header 'authorization': host 'evil.example.com' does not match hosts [api.example.com]", leak.describe());
    }

    @Test
    void wrongPortPathMethodSchemeAreLeaks() {
        Req port = new Req().header("X-Key", PH);
        port.port = 8443;
        assertEquals(List.of(ScopeMismatch.Aspect.PORT), aspects(blocked(ALL_PLACEMENTS.substitute(port.build())).leaks().get(0)));
        Req path = new Req().header("X-Key", PH);
        path.path = "/v2/chat";
        assertEquals(List.of(ScopeMismatch.Aspect.PATH), aspects(blocked(ALL_PLACEMENTS.substitute(path.build())).leaks().get(0)));
        Req traversal = new Req().header("X-Key", PH);
        traversal.path = "/v1/%2e%2e/admin";
        assertEquals(List.of(ScopeMismatch.Aspect.PATH), aspects(blocked(ALL_PLACEMENTS.substitute(traversal.build())).leaks().get(0)));
        Req method = new Req().header("X-Key", PH);
        method.method = "GET";
        assertEquals(List.of(ScopeMismatch.Aspect.METHOD), aspects(blocked(ALL_PLACEMENTS.substitute(method.build())).leaks().get(0)));
        Req scheme = new Req().header("X-Key", PH);
        scheme.scheme = "http";
        scheme.port = 80;
        assertEquals(List.of(ScopeMismatch.Aspect.SCHEME), aspects(blocked(ALL_PLACEMENTS.substitute(scheme.build())).leaks().get(0)));
    }

    @Test
    void eachPlacementNotAllowedIsALeak() {
        SecretBroker headerOnly = new SecretBroker(List.of(secret("API_KEY", VALUE, EnumSet.of(Placement.HEADER))));
        Req query = new Req();
        query.query = "k=" + PH;
        assertPlacementLeak(headerOnly, query.build(), FoundAt.QUERY);
        Req path = new Req();
        path.path = "/v1/" + PH;
        assertPlacementLeak(headerOnly, path.build(), FoundAt.PATH);
        assertPlacementLeak(headerOnly, new Req().body("text/plain", PH).build(), FoundAt.BODY);
        String creds = Base64.getEncoder().encodeToString((PH + ":x").getBytes(StandardCharsets.US_ASCII));
        assertPlacementLeak(headerOnly, new Req().header("Authorization", "basic " + creds).build(), FoundAt.BASIC);
        SecretBroker basicOnly = new SecretBroker(List.of(secret("API_KEY", VALUE, EnumSet.of(Placement.BASIC))));
        assertPlacementLeak(basicOnly, new Req().header("Authorization", "Bearer " + PH).build(), FoundAt.HEADER);
    }

    private static void assertPlacementLeak(SecretBroker broker, OutboundRequest request, FoundAt where) {
        SubstitutionResult.Blocked b = blocked(broker.substitute(request));
        assertEquals(where, b.leaks().get(0).hit().where());
        assertEquals(List.of(ScopeMismatch.Aspect.PLACEMENT), aspects(b.leaks().get(0)), b.leaks().toString());
    }

    @Test
    void oneLeakBlocksTheWholeRequestNothingIsReplaced() {
        OutboundRequest in = new Req().header("Authorization", "Bearer " + PH).header("X-Other", OTHER_PH).build();
        SubstitutionResult.Blocked b = blocked(ALL_PLACEMENTS.substitute(in));
        assertEquals(List.of("OTHER"), b.leaks().stream().map(LeakFinding::secret).toList());
        assertEquals(List.of("API_KEY", "OTHER"), b.secrets());
        assertFalse(b.view().headers().toString().contains(VALUE));
    }

    @Test
    void policyMayRestrictInjection() {
        OutboundRequest in = new Req().header("Authorization", "Bearer " + PH).build();
        SubstitutionResult.Blocked b = blocked(ALL_PLACEMENTS.substitute(in, Set.of("OTHER")));
        assertEquals(List.of(ScopeMismatch.Aspect.POLICY), aspects(b.leaks().get(0)));
        rewritten(ALL_PLACEMENTS.substitute(in, Set.of("API_KEY")));
    }

    @Test
    void bodyOverTheCapIsALeakNeverAPassThrough() {
        String big = "x".repeat(SecretBroker.MAX_BODY_BYTES) + PH;
        SubstitutionResult.Blocked b = blocked(ALL_PLACEMENTS.substitute(new Req().body("text/plain", big).build()));
        assertEquals(List.of(ScopeMismatch.Aspect.BODY), aspects(b.leaks().get(0)));
        assertTrue(b.leaks().get(0).describe().contains("over the 1048576-byte cap"), b.leaks().get(0).describe());
    }

    @Test
    void nonTextualOrEncodedOrUntypedBodyIsALeak() {
        assertEquals(List.of(ScopeMismatch.Aspect.BODY), aspects(blocked(ALL_PLACEMENTS.substitute(
                new Req().body("application/octet-stream", PH).build())).leaks().get(0)));
        assertEquals(List.of(ScopeMismatch.Aspect.BODY), aspects(blocked(ALL_PLACEMENTS.substitute(
                new Req().body("application/json", PH).header("Content-Encoding", "gzip").build())).leaks().get(0)));
        Req untyped = new Req();
        untyped.body = new RequestBody.Buffered(PH.getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of(ScopeMismatch.Aspect.BODY), aspects(blocked(ALL_PLACEMENTS.substitute(untyped.build())).leaks().get(0)));
    }

    @Test
    void percentEncodedPlaceholderIsADisguisedLeak() {
        StringBuilder disguised = new StringBuilder();
        for (char c : PH.toCharArray()) {
            disguised.append(c == 'a' ? "%61" : String.valueOf(c));
        }
        Req req = new Req();
        req.query = "k=" + disguised;
        SubstitutionResult.Blocked b = blocked(ALL_PLACEMENTS.substitute(req.build()));
        assertTrue(b.leaks().get(0).hit().disguised());
        assertTrue(aspects(b.leaks().get(0)).contains(ScopeMismatch.Aspect.ENCODING));
    }

    @Test
    void placeholderInHostOrHeaderNameIsAlwaysALeak() {
        OutboundRequest headerName = new Req().header("X-" + PH, "1").build();
        SubstitutionResult.Blocked b = blocked(ALL_PLACEMENTS.substitute(headerName));
        assertEquals(FoundAt.HEADER_NAME, b.leaks().get(0).hit().where());
        assertEquals(List.of(ScopeMismatch.Aspect.ENCODING), aspects(b.leaks().get(0)));
        Req exactHost = new Req();
        exactHost.host = PH + ".evil.example";
        assertEquals(FoundAt.HOST, blocked(ALL_PLACEMENTS.substitute(exactHost.build())).leaks().get(0).hit().where());
    }

    @Test
    void inspectionListsPresentSecretsAndNeedsNoPolicy() {
        Req req = new Req().header("Authorization", "Bearer " + PH).header("X-Other", OTHER_PH);
        req.query = "a=" + PH;
        Inspection i = ALL_PLACEMENTS.inspect(req.build());
        assertEquals(List.of("API_KEY", "OTHER"), i.secrets());
        assertEquals(3, i.hits().size());
        assertFalse(i.bodyScanRequired());
        assertEquals("[secret:OTHER]", header(i.view().headers(), "X-Other"));
    }

    @Test
    void realValuesAreMaskedInTheView() {
        OutboundRequest in = new Req().header("X-Leaked", "value " + VALUE).build();
        assertEquals("value [secret:API_KEY]", header(ALL_PLACEMENTS.inspect(in).view().headers(), "X-Leaked"));
    }

    @Test
    void unknownOrForgedPlaceholdersAreNotSecrets() {
        String forged = PH.substring(0, PH.length() - 1) + (PH.endsWith("a") ? "b" : "a");
        OutboundRequest in = new Req().header("X", forged + " airlock-ph-NOPE-abcdefghijklmnopqrstuvwxyz").build();
        assertEquals(List.of(), ALL_PLACEMENTS.inspect(in).secrets());
    }

    @Test
    void streamedBodyScannerFindsPlaceholdersAcrossEveryChunkBoundary() {
        byte[] body = ("{\"data\":\"" + "z".repeat(50) + PH + "\"}").getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= body.length; split++) {
            BodyPlaceholderScanner scanner = ALL_PLACEMENTS.newBodyScanner();
            List<String> found = new ArrayList<>(scanner.update(body, 0, split));
            found.addAll(scanner.update(body, split, body.length - split));
            assertEquals(List.of("API_KEY"), found, "split at " + split);
        }
        Req req = new Req();
        req.body = new RequestBody.Streamed(-1);
        assertTrue(ALL_PLACEMENTS.inspect(req.build()).bodyScanRequired());
    }

    private static List<ScopeMismatch.Aspect> aspects(LeakFinding leak) {
        return leak.reasons().stream().map(ScopeMismatch::aspect).toList();
    }

    private static String header(List<HttpHeader> headers, String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(HttpHeader::value).findFirst().orElse(null);
    }
}
