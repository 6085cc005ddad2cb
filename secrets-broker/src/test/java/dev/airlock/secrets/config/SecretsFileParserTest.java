package dev.airlock.secrets.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.secrets.scope.Placement;
import dev.airlock.secrets.scope.SecretScope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsFileParserTest {
    @TempDir
    Path tmp;

    private SecretsConfig parse(String yaml) throws SecretsFileException {
        return SecretsFileParser.parse(tmp.resolve("secrets.yaml"), yaml.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses and expects exactly one error, returned as the line the user sees. */
    private String error(String yaml) {
        SecretsFileException e = assertThrows(SecretsFileException.class, () -> parse(yaml));
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.errors().get(0).toString();
    }

    private String file() {
        return tmp.resolve("secrets.yaml").toString();
    }

    @Test
    void goodFile() throws Exception {
        SecretsConfig config = parse("""
                secrets:
                  - name: OPENAI_API_KEY
                    from_env: OPENAI_API_KEY
                    hosts: ["api.openai.com", "*.openai.azure.com:8443"]
                    paths: ["/v1/"]
                    methods: ["POST"]
                    placements: [header]
                  - name: GH_TOKEN
                    from_file: tokens/gh.txt
                    hosts: [api.github.com]
                    placements: [header, basic]
                    schemes: [https, http]
                """);
        assertEquals(List.of("OPENAI_API_KEY", "GH_TOKEN"), config.names());
        SecretSpec openai = config.secrets().get(0);
        assertEquals(new SecretSource.FromEnv("OPENAI_API_KEY"), openai.source());
        SecretScope scope = openai.scope();
        assertEquals("[api.openai.com, *.openai.azure.com:8443]", scope.hosts().toString());
        assertEquals("[/v1/]", scope.paths().toString());
        assertEquals(Set.of("POST"), scope.methods());
        assertEquals(Set.of(Placement.HEADER), scope.placements());
        assertEquals(Set.of("https"), scope.schemes(), "https only unless schemes says otherwise");
        assertEquals(new SourcePosition(2, 5), openai.position());

        SecretSpec gh = config.secrets().get(1);
        assertEquals(new SecretSource.FromFile(tmp.resolve("tokens/gh.txt").toAbsolutePath()), gh.source(), "relative to the secrets file");
        assertTrue(gh.scope().paths().isEmpty() && gh.scope().methods().isEmpty());
        assertEquals(Set.of("https", "http"), gh.scope().schemes());
    }

    @Test
    void emptySecretsListIsValid() throws Exception {
        assertEquals(List.of(), parse("secrets: []\n").secrets());
        assertEquals(List.of(), parse("secrets:\n").secrets());
    }

    @Test
    void unknownFieldIsAnErrorWithASuggestion() {
        String e = error("""
                secrets:
                  - name: A
                    from_env: A
                    hosts: [a.example.com]
                    placements: [header]
                    path: ["/v1/"]
                """);
        assertEquals(file() + ":6:5: secrets[0] (A) path: unknown field; did you mean 'paths'? "
                + "(fields: name, from_env, from_file, hosts, paths, methods, placements, schemes)", e);
    }

    @Test
    void unknownTopLevelKey() {
        assertEquals(file() + ":1:1: secret: unknown key; the only top-level key is 'secrets'",
                error("secret:\n  - name: A\nsecrets: []\n"));
    }

    @Test
    void malformedYamlGivesLineAndColumn() {
        String e = error("secrets:\n  - name: A\n    hosts: [a.example.com\n");
        assertTrue(e.startsWith(file() + ":"), e);
        assertTrue(e.contains("not valid YAML"), e);
        assertTrue(e.matches(".*secrets\\.yaml:[34]:\\d+: .*"), e);
    }

    @Test
    void missingName() {
        assertEquals(file() + ":2:5: secrets[0] name: missing; every secret needs a name (letters, digits and '_', e.g. OPENAI_API_KEY)",
                error("secrets:\n  - from_env: A\n    hosts: [a.example.com]\n    placements: [header]\n"));
    }

    @Test
    void badName() {
        assertEquals(file() + ":2:11: secrets[0] (my-key) name: 'my-key' is not a valid name: use 1-64 letters, digits and '_', not starting with a digit",
                error("secrets:\n  - name: my-key\n    from_env: A\n    hosts: [a.example.com]\n    placements: [header]\n"));
    }

    @Test
    void duplicateName() {
        String e = error("""
                secrets:
                  - {name: A, from_env: A, hosts: [a.example.com], placements: [header]}
                  - {name: A, from_env: B, hosts: [b.example.com], placements: [header]}
                """);
        assertEquals(file() + ":3:5: secrets[1] (A) name: duplicate name; secrets[0] at line 2 already uses it", e);
    }

    @Test
    void duplicateKeyInOneEntry() {
        String e = error("secrets:\n  - name: A\n    from_env: A\n    hosts: [a.example.com]\n    hosts: [b.example.com]\n    placements: [header]\n");
        assertTrue(e.startsWith(file() + ":5:5: duplicate key 'hosts' (first at line 4)"), e);
    }

    @Test
    void bothSourcesOrNone() {
        assertEquals(file() + ":4:16: secrets[0] (A) from_file: give either from_env or from_file, not both",
                error("secrets:\n  - name: A\n    from_env: A\n    from_file: a.txt\n    hosts: [a.example.com]\n    placements: [header]\n"));
        assertTrue(error("secrets:\n  - name: A\n    hosts: [a.example.com]\n    placements: [header]\n")
                .endsWith("secrets[0] (A) from_env: missing; say where the value comes from with from_env: VARIABLE or from_file: PATH"));
    }

    @Test
    void missingOrEmptyHostsAndPlacements() {
        assertTrue(error("secrets:\n  - name: A\n    from_env: A\n    placements: [header]\n")
                .endsWith("secrets[0] (A) hosts: missing; list the hosts this secret may be sent to, e.g. hosts: [\"api.example.com\"]"));
        assertTrue(error("secrets:\n  - name: A\n    from_env: A\n    hosts: []\n    placements: [header]\n")
                .contains(":4:12: secrets[0] (A) hosts: must not be empty"));
        assertTrue(error("secrets:\n  - name: A\n    from_env: A\n    hosts: [a.example.com]\n")
                .endsWith("secrets[0] (A) placements: missing; list where the placeholder may be replaced: header, basic, query, path, body"));
    }

    @Test
    void badHostPatterns() {
        String base = "secrets:\n  - name: A\n    from_env: A\n    placements: [header]\n    hosts: [%s]\n";
        assertTrue(error(base.formatted("'*'")).contains("hosts[0]: '*': a wildcard needs at least two labels")
                || error(base.formatted("'*'")).contains("hosts[0]"));
        assertEquals(file() + ":5:28: secrets[0] (A) hosts[1]: '*.com': a wildcard needs at least two labels after it (e.g. '*.example.com'), or it covers a whole top-level domain",
                error(base.formatted("a.example.com, '*.com'")));
        assertTrue(error(base.formatted("'a*.example.com'")).contains("a wildcard may only be the whole leftmost label"));
        assertTrue(error(base.formatted("'example.com:99999'")).contains("the port must be a number from 1 to 65535"));
        assertTrue(error(base.formatted("'a..example.com'")).contains("empty label"));
        assertTrue(error(base.formatted("'straße.de'")).contains("write the xn-- form"));
    }

    @Test
    void wrongTypes() {
        assertEquals(file() + ":4:12: secrets[0] (A) hosts: expected a list, e.g. hosts: [\"api.example.com\"], but found a string",
                error("secrets:\n  - name: A\n    from_env: A\n    hosts: a.example.com\n    placements: [header]\n"));
        assertTrue(error("secrets:\n  - name: A\n    from_env: A\n    hosts: [a.example.com]\n    placements: [header]\n    methods: [1]\n")
                .endsWith("methods[0]: expected a string but found '1' (quote it)"));
        assertEquals(file() + ":2:5: secrets[0] expected a mapping (name, from_env or from_file, hosts, placements, ...) but found a string",
                error("secrets:\n  - OPENAI_API_KEY\n"));
    }

    @Test
    void badPlacementMethodSchemePath() {
        String base = "secrets:\n  - name: A\n    from_env: A\n    hosts: [a.example.com]\n    placements: [header]\n";
        assertTrue(error("secrets:\n  - name: A\n    from_env: A\n    hosts: [a.example.com]\n    placements: [cookie]\n")
                .endsWith("placements[0]: 'cookie' is not a placement; use header, basic, query, path or body"));
        assertTrue(error(base + "    methods: [post]\n").endsWith("methods[0]: 'post' is not an HTTP method; write it in upper case, e.g. POST"));
        assertTrue(error(base + "    schemes: [ftp]\n").endsWith("schemes[0]: 'ftp' is not a scheme; use https or http"));
        assertTrue(error(base + "    paths: [v1/]\n").endsWith("paths[0]: 'v1/': a path prefix must start with '/'"));
        assertTrue(error(base + "    paths: [\"/v1/../admin\"]\n").contains("'.'/'..' segments"));
        assertTrue(error(base + "    paths: []\n").endsWith("paths: an empty list would allow nothing; leave the field out to allow any"));
    }

    @Test
    void everyErrorIsReportedNotJustTheFirst() {
        SecretsFileException e = assertThrows(SecretsFileException.class, () -> parse("""
                secrets:
                  - name: A
                    from_env: A
                    hosts: ['*']
                    placements: [nowhere]
                  - name: B
                    hostz: [b.example.com]
                """));
        assertTrue(e.errors().size() >= 4, e.getMessage());
        assertEquals(0, e.errors().get(0).secretIndex());
        assertEquals("B", e.errors().get(e.errors().size() - 1).secretName());
    }

    @Test
    void notAMappingAtTheTop() {
        assertEquals(file() + ":1:1: expected a mapping with a 'secrets:' list but found a list", error("- a\n- b\n"));
        assertEquals(file() + ":1:1: expected a mapping with a 'secrets:' list but found nothing (null)", error(""));
    }

    @Test
    void missingFileAndUnreadableFile() throws Exception {
        Path missing = tmp.resolve("nope.yaml");
        SecretsFileException e = assertThrows(SecretsFileException.class, () -> SecretsFileParser.parse(missing));
        assertEquals(missing + ": the secrets file does not exist", e.getMessage());
        Path locked = tmp.resolve("locked.yaml");
        Files.writeString(locked, "secrets: []\n");
        Files.setPosixFilePermissions(locked, Set.of());
        if (!Files.isReadable(locked)) { // root reads everything; the check only means something otherwise
            e = assertThrows(SecretsFileException.class, () -> SecretsFileParser.parse(locked));
            assertEquals(locked + ": cannot read the secrets file: permission denied", e.getMessage());
        }
    }

    @Test
    void errorsAreValuesWithFields() {
        SecretsFileException e = assertThrows(SecretsFileException.class, () -> parse(
                "secrets:\n  - name: A\n    from_env: A\n    hosts: [a.example.com, 'x*y.example.com']\n    placements: [header]\n"));
        SecretsFileError err = e.errors().get(0);
        assertEquals(0, err.secretIndex());
        assertEquals("A", err.secretName());
        assertEquals("hosts[1]", err.field());
        assertEquals(4, err.position().line());
        assertInstanceOf(Path.class, err.file());
    }
}
