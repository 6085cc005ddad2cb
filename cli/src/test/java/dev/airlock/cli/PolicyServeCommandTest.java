package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.rest.OpaServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code airlock policy serve} started through Picocli, queried over HTTP, then stopped. */
class PolicyServeCommandTest {
    @TempDir
    Path dir;

    private record Run(CommandLine cl, PolicyServeCommand cmd, StringWriter err) {}

    private static Run command() {
        PolicyServeCommand cmd = new PolicyServeCommand();
        CommandLine cl = new CommandLine(cmd);
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cl, cmd, err);
    }

    @Test
    void servesPoliciesAndDataUntilClosed() throws Exception {
        Files.createDirectories(dir.resolve("policy"));
        Files.writeString(dir.resolve("policy/egress.rego"), """
                package airlock.egress

                decision := {"allow": input.host in data.hosts}
                """);
        Files.writeString(dir.resolve("hosts.json"), "{\"hosts\": [\"github.com\"]}");

        Run run = command();
        CompletableFuture<OpaServer> started = new CompletableFuture<>();
        run.cmd().started = started::complete;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run.cl().execute(
                "--addr", "127.0.0.1:0", "-d", dir.resolve("hosts.json").toString(), dir.resolve("policy").toString()));
        OpaServer server = started.get(10, TimeUnit.SECONDS);
        try (HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()) {
            URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/v1/data/airlock/egress/decision");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {\"host\": \"github.com\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"result\":{\"allow\":true}"), r.body());
            assertTrue(r.body().contains("\"decision_id\":"), "decision ids are on by default: " + r.body());
        } finally {
            server.close();
        }
        assertEquals(0, exit.get(10, TimeUnit.SECONDS), run.err().toString());
        assertTrue(run.err().toString().contains("1 policy on http://127.0.0.1:"), run.err().toString());
        assertTrue(run.err().toString().contains("decision ids on"), run.err().toString());
    }

    @Test
    void badPolicyNamesFileLineAndColumnAndExits1() throws IOException {
        Files.writeString(dir.resolve("bad.rego"), "package bad\n\nallow if {\n");
        Run run = command();
        int code = run.cl().execute("--addr", "127.0.0.1:0", dir.resolve("bad.rego").toString());
        assertEquals(1, code);
        assertTrue(run.err().toString().contains("bad.rego:"), run.err().toString());
        assertTrue(run.err().toString().contains("rego_parse_error"), run.err().toString());
    }

    @Test
    void addressInUseIsAOneLineError() throws IOException {
        try (TakenPort taken = new TakenPort()) {
            CliRun r = CliRun.of("policy", "serve", "--addr", taken.address());
            assertEquals(1, r.exitCode());
            String prefix = "airlock policy serve: cannot listen on " + taken.address() + ": ";
            String line = r.err().strip();
            assertTrue(line.startsWith(prefix) && line.substring(prefix.length()).equalsIgnoreCase(taken.bindError()),
                    "one line naming the address and the reason (address already in use): " + r.err());
        }
    }

    @Test
    void malformedAddressIsAUsageError() {
        Run run = command();
        assertEquals(2, run.cl().execute("--addr", "localhost"));
        assertTrue(run.err().toString().contains("--addr must be HOST:PORT"), run.err().toString());
    }

    @Test
    void listedUnderPolicy() {
        CommandLine cl = AirlockCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("policy", "--help"));
        assertTrue(out.toString().matches("(?s).*\\n\\s+serve\\s+\\S.*"), out.toString());
    }
}
