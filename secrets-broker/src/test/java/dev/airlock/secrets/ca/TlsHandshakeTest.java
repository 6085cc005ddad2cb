package dev.airlock.secrets.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves minted certificates work with real TLS stacks: the JDK's, and OpenSSL's verifier. */
class TlsHandshakeTest {
    @TempDir
    Path tmp;

    @Test
    void jdkClientTrustingOnlyTheCaCompletesAHandshakeWithHostnameVerification() throws Exception {
        LocalCa ca = LocalCa.open(tmp.resolve("ca"));
        assertEquals("hello over TLS", exchange(ca, "localhost", "localhost"));
    }

    @Test
    void hostnameVerificationRejectsALeafForAnotherHost() throws Exception {
        LocalCa ca = LocalCa.open(tmp.resolve("ca"));
        assertThrows(SSLHandshakeException.class, () -> exchange(ca, "other.example", "localhost"));
    }

    @Test
    void ipAddressLeafPassesHostnameVerification() throws Exception {
        LocalCa ca = LocalCa.open(tmp.resolve("ca"));
        assertEquals("hello over TLS", exchange(ca, "127.0.0.1", "127.0.0.1"));
    }

    @Test
    void opensslVerifiesTheLeafAgainstTheCa() throws Exception {
        assumeTrue(onPath("openssl"), "openssl is not installed; skipping the OpenSSL cross-check (apt-get install openssl)");
        LocalCa ca = LocalCa.open(tmp.resolve("ca"));
        Path leaf = tmp.resolve("leaf.pem");
        Files.writeString(leaf, Pem.encodeCertificate(ca.mint("api.example.com").leaf()));
        Process p = new ProcessBuilder("openssl", "verify", "-x509_strict", "-purpose", "sslserver",
                "-verify_hostname", "api.example.com", "-CAfile", ca.directory().certificateFile().toString(), leaf.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals(leaf + ": OK", out.strip());
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Serves a leaf minted for {@code leafHost}; a client connects as {@code clientHost} and reads one line. */
    private static String exchange(LocalCa ca, String leafHost, String clientHost) throws Exception {
        LeafCredentials creds = ca.mint(leafHost);
        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        serverKeys.load(null, null);
        serverKeys.setKeyEntry("leaf", creds.privateKey(), new char[0], creds.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, new char[0]);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("airlock-ca", ca.authority().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);

        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Future<?> served = executor.submit(() -> {
                try (var socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write("hello over TLS\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (Exception ignored) {
                    // The client's failure is what the test asserts.
                }
                return null;
            });
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket(clientHost, server.getLocalPort())) {
                SSLParameters params = client.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                if (!clientHost.matches("[0-9.]+")) {
                    params.setServerNames(List.of(new javax.net.ssl.SNIHostName(clientHost)));
                }
                client.setSSLParameters(params);
                client.setSoTimeout(10_000);
                client.startHandshake();
                InputStream in = client.getInputStream();
                String line = new String(in.readNBytes("hello over TLS\n".length()), StandardCharsets.US_ASCII).strip();
                served.get(10, TimeUnit.SECONDS);
                return line;
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
