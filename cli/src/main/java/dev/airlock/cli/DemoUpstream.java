package dev.airlock.cli;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.airlock.secrets.ca.LeafCredentials;
import dev.airlock.secrets.ca.LocalCa;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;

/**
 * The demo's stand-in for an API on the internet: the JDK's own HTTPS server on loopback, with
 * a certificate from a separate "public" CA that airlock trusts as an upstream anchor. It
 * answers with the Authorization header it received, which is exactly what an API that
 * echoes credentials back would do.
 */
final class DemoUpstream implements AutoCloseable {
    private final HttpsServer server;
    /** What the server saw, so the demo can show the real secret arrived upstream. */
    final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    final Path caPem;

    DemoUpstream(Path caDir, String... names) throws Exception {
        LocalCa ca = LocalCa.open(caDir);
        caPem = ca.directory().certificateFile();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "demo".toCharArray();
        for (String name : names) {
            LeafCredentials leaf = ca.mint(name);
            ks.setKeyEntry(name, leaf.privateKey(), pw, leaf.chain());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, pw);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(new KeyManager[] {new BySni((X509ExtendedKeyManager) kmf.getKeyManagers()[0])}, null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/", exchange -> {
            String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " Authorization: " + auth);
            byte[] body = ("{\"you_sent\": \"" + auth.replace("\"", "") + "\"}\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** Presents the certificate whose alias is the server name the client asked for. */
    private static final class BySni extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        BySni(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            if (engine.getHandshakeSession() instanceof ExtendedSSLSession s) {
                for (SNIServerName n : s.getRequestedServerNames()) {
                    if (n instanceof SNIHostName h && keys.getPrivateKey(h.getAsciiName()) != null) return h.getAsciiName();
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
    }
}
