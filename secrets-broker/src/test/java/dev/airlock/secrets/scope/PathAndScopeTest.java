package dev.airlock.secrets.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathAndScopeTest {
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource({
        "/v1/, /v1/models, true",
        "/v1/, /v1/, true",
        "/v1/, /v1, false",
        "/v1, /v1, true",
        "/v1, /v1/models, true",
        "/v1, /v1beta/models, false",
        "/v1/, /V1/models, false",
        "/v1/, /%76%31/models, true",
        "/v1/, /v1/../admin, false",
        "/v1/, /v1/%2e%2e/admin, false",
        "/v1/, /v1/%2E./admin, false",
        "/v1/, /v1%2F..%2Fadmin, false",
        "/v1/, /v1/..;/admin, false",
        "/v1/, /v1\\..\\admin, false",
        "/v1/, /v1/./models, false",
        "/v1/, /v1/a%2Fb, true",
        "/v1/, /v1/%zz, false",
        "/v1/, *, false",
        "/v1/, http://evil/v1/, false",
    })
    void pathPrefixes(String prefix, String path, boolean expected) {
        Optional<String> canonical = CanonicalPath.of(path);
        assertEquals(expected, canonical.map(c -> PathPrefix.parse(prefix).matches(c)).orElse(false));
    }

    private static final SecretScope SCOPE = new SecretScope(Set.of("https"), List.of(HostPattern.parse("api.example.com")),
            List.of(PathPrefix.parse("/v1/")), Set.of("POST"), Set.of(Placement.HEADER));

    @Test
    void inScopeHasNoMismatches() {
        assertEquals(List.of(), SCOPE.check("https", "api.example.com", 443, "POST", "/v1/x", Placement.HEADER));
    }

    @Test
    void eachAspectIsReportedWithAReason() {
        assertEquals(List.of(ScopeMismatch.Aspect.SCHEME), aspects(SCOPE.check("http", "api.example.com", 80, "POST", "/v1/x", Placement.HEADER)));
        assertEquals(List.of(ScopeMismatch.Aspect.HOST), aspects(SCOPE.check("https", "evil.example.com", 443, "POST", "/v1/x", Placement.HEADER)));
        assertEquals(List.of(ScopeMismatch.Aspect.PORT), aspects(SCOPE.check("https", "api.example.com", 8443, "POST", "/v1/x", Placement.HEADER)));
        assertEquals(List.of(ScopeMismatch.Aspect.PATH), aspects(SCOPE.check("https", "api.example.com", 443, "POST", "/v2/x", Placement.HEADER)));
        assertEquals(List.of(ScopeMismatch.Aspect.METHOD), aspects(SCOPE.check("https", "api.example.com", 443, "GET", "/v1/x", Placement.HEADER)));
        assertEquals(List.of(ScopeMismatch.Aspect.METHOD), aspects(SCOPE.check("https", "api.example.com", 443, "post", "/v1/x", Placement.HEADER)),
                "methods are case-sensitive in HTTP");
        assertEquals(List.of(ScopeMismatch.Aspect.PLACEMENT), aspects(SCOPE.check("https", "api.example.com", 443, "POST", "/v1/x", Placement.QUERY)));
        List<ScopeMismatch> all = SCOPE.check("http", "evil.example", 80, "GET", "/admin", Placement.BODY);
        assertEquals(5, all.size(), all.toString());
        assertTrue(all.get(1).message().contains("host 'evil.example' does not match hosts [api.example.com]"), all.toString());
    }

    private static List<ScopeMismatch.Aspect> aspects(List<ScopeMismatch> m) {
        return m.stream().map(ScopeMismatch::aspect).toList();
    }
}
