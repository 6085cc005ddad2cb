package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the launcher's real bin/lib/jdk.sh in bash against fake JDK layouts. */
class JdkDetectionTest {
    private static final Path JDK_SH = Path.of(System.getProperty("airlock.root", "..")).resolve("bin/lib/jdk.sh");

    @TempDir
    Path tmp;

    private record Outcome(int exitCode, String stdout, String stderr) {}

    /** A fake JDK: executable bin/java and bin/javac, plus a release file when version != null. */
    private Path fakeJdk(String name, String releaseVersion, String javaVersionOutput) throws IOException {
        Path home = tmp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        String java = "#!/bin/sh\necho '" + (javaVersionOutput == null ? "" : javaVersionOutput) + "' >&2\n";
        for (String tool : List.of("java", "javac")) {
            Path p = home.resolve("bin").resolve(tool);
            Files.writeString(p, java);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        if (releaseVersion != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + releaseVersion + "\"\n");
        }
        return home;
    }

    private Outcome findJdk(Path jvmDir, Path javaHome) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", ". \"$1\"; find_jdk", "test", JDK_SH.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("AIRLOCK_JVM_DIR", jvmDir.toString());
        if (javaHome == null) {
            env.remove("JAVA_HOME");
        } else {
            env.put("JAVA_HOME", javaHome.toString());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Outcome(p.waitFor(), out, err);
    }

    @Test
    void javaHomeOf25OrNewerWins() throws Exception {
        Path home = fakeJdk("home/jdk-26", "26.0.1", null);
        fakeJdk("jvm/temurin-25-jdk-amd64", "25.0.1", null);
        Outcome o = findJdk(tmp.resolve("jvm"), home);
        assertEquals(0, o.exitCode(), o.stderr());
        assertEquals(home.toString(), o.stdout());
    }

    @Test
    void oldJavaHomeFallsBackToJvmDirectory() throws Exception {
        Path old = fakeJdk("jvm/java-17-openjdk-amd64", "17.0.15", null);
        Path jdk25 = fakeJdk("jvm/temurin-25-jdk-amd64", "25.0.1", null);
        Outcome o = findJdk(tmp.resolve("jvm"), old);
        assertEquals(0, o.exitCode(), o.stderr());
        assertEquals(jdk25.toString(), o.stdout());
    }

    @Test
    void versionIsReadFromJavaWhenThereIsNoReleaseFile() throws Exception {
        Path jdk = fakeJdk("jvm/jdk25-custom", null, "openjdk version \"25\" 2025-09-16");
        Outcome o = findJdk(tmp.resolve("jvm"), null);
        assertEquals(0, o.exitCode(), o.stderr());
        assertEquals(jdk.toString(), o.stdout());
    }

    @Test
    void aJreWithoutJavacIsNotAJdk() throws Exception {
        Path jre = fakeJdk("jvm/jre-25", "25.0.1", null);
        Files.delete(jre.resolve("bin/javac"));
        Outcome o = findJdk(tmp.resolve("jvm"), null);
        assertEquals(1, o.exitCode());
    }

    @Test
    void noJdk25GivesAClearErrorNamingWhatToInstall() throws Exception {
        Path old = fakeJdk("jvm/java-17-openjdk-amd64", "17.0.15", null);
        Outcome o = findJdk(tmp.resolve("jvm"), old);
        assertEquals(1, o.exitCode());
        assertEquals("", o.stdout());
        assertTrue(o.stderr().contains("no JDK 25 or newer found"), o.stderr());
        assertTrue(o.stderr().contains("JAVA_HOME=" + old + " is not a JDK 25+"), o.stderr());
        assertTrue(o.stderr().contains("openjdk-25-jdk"), o.stderr());
    }
}
