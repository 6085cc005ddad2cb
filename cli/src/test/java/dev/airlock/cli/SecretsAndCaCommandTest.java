package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.secrets.placeholder.PlaceholderKey;
import dev.airlock.secrets.store.SecretsStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SecretsAndCaCommandTest {
    @TempDir
    Path tmp;

    private Path secretsFile() throws Exception {
        Path file = tmp.resolve("secrets.yaml");
        Files.writeString(file, """
                secrets:
                  - name: OPENAI_API_KEY
                    from_env: AIRLOCK_TEST_SURELY_UNSET_VARIABLE
                    hosts: ["api.openai.com"]
                    placements: [header]
                  - name: GH_TOKEN
                    from_file: gh.txt
                    hosts: ["api.github.com"]
                    placements: [header, basic]
                """);
        Files.writeString(tmp.resolve("gh.txt"), "ghp_abcdefghijklmnop\n");
        return file;
    }

    @Test
    void placeholdersPrintsWhatTheLibraryComputes() throws Exception {
        Path file = secretsFile();
        Path state = tmp.resolve("state");
        CliRun r = CliRun.of("secrets", "placeholders", "--secrets", file.toString(), "--state-dir", state.toString());
        assertEquals(0, r.exitCode(), r.err());
        PlaceholderKey key = PlaceholderKey.loadOrCreate(state);
        assertEquals("OPENAI_API_KEY=" + key.placeholderFor("OPENAI_API_KEY") + "\nGH_TOKEN=" + key.placeholderFor("GH_TOKEN") + "\n",
                r.out().replace("\r\n", "\n"));
        // ...and the gateway's store, with values present, recognizes exactly these.
        Map<String, String> gateway = SecretsStore.open(file, key, name -> "sk-from-env-0123456789", InstantSource.system()).current().placeholders();
        assertEquals("OPENAI_API_KEY=" + gateway.get("OPENAI_API_KEY") + "\nGH_TOKEN=" + gateway.get("GH_TOKEN") + "\n",
                r.out().replace("\r\n", "\n"));
        assertEquals(r.out(), CliRun.of("secrets", "placeholders", "--secrets", file.toString(), "--state-dir", state.toString()).out(),
                "stable across runs");
    }

    @Test
    void badFileExitsOneWithTheError() throws Exception {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, "secrets:\n  - name: A\n    from_env: A\n    hosts: ['*']\n    placements: [header]\n");
        CliRun r = CliRun.of("secrets", "placeholders", "--secrets", file.toString(), "--state-dir", tmp.resolve("state").toString());
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(file + ":4:13: secrets[0] (A) hosts[0]: '*'"), r.err());
    }

    @Test
    void checkReadsValuesAndReportsMissingOnes() throws Exception {
        Path file = secretsFile();
        CliRun r = CliRun.of("secrets", "check", "--secrets", file.toString(), "--state-dir", tmp.resolve("state").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("environment variable AIRLOCK_TEST_SURELY_UNSET_VARIABLE is not set"), r.err());
    }

    @Test
    void secretsWithoutSubcommandIsAUsageError() {
        assertEquals(2, CliRun.of("secrets").exitCode());
    }

    @Test
    void caInitExportShowRotate() throws Exception {
        Path dir = tmp.resolve("ca");
        CliRun init = CliRun.of("ca", "init", "--ca-dir", dir.toString());
        assertEquals(0, init.exitCode(), init.err());
        assertTrue(init.out().contains("certificate: " + dir.resolve("ca.pem")), init.out());

        CliRun export = CliRun.of("ca", "export", "--ca-dir", dir.toString());
        assertEquals(Files.readString(dir.resolve("ca.pem")), export.out());
        X509Certificate first = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(export.out().getBytes()));

        CliRun rotate = CliRun.of("ca", "rotate", "--ca-dir", dir.toString());
        assertEquals(0, rotate.exitCode(), rotate.err());
        String after = CliRun.of("ca", "export", "--ca-dir", dir.toString()).out();
        assertTrue(!after.equals(export.out()), "rotation changed the CA");
        assertTrue(Files.list(dir).anyMatch(p -> p.getFileName().toString().matches("ca-\\d{8}T\\d{6}Z\\.pem")));
        assertTrue(CliRun.of("ca", "show", "--ca-dir", dir.toString()).out().contains("sha256:"));
        assertTrue(first.getBasicConstraints() == 0);
    }

    @Test
    void caErrorsExitOneWithTheMessage() throws Exception {
        Path dir = tmp.resolve("ca");
        CliRun missing = CliRun.of("ca", "show", "--ca-dir", dir.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no CA in " + dir), missing.err());
        CliRun.of("ca", "init", "--ca-dir", dir.toString());
        Files.writeString(dir.resolve("ca.pem"), "garbage");
        CliRun corrupted = CliRun.of("ca", "show", "--ca-dir", dir.toString());
        assertEquals(1, corrupted.exitCode());
        assertTrue(corrupted.err().contains(dir.resolve("ca.pem").toString()) && corrupted.err().contains("airlock ca rotate"), corrupted.err());
    }
}
