package dev.airlock.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.airlock.gateway.flow.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps proxy credentials to agent identities. The agents file (YAML or JSON):
 *
 * <pre>
 * require_auth: true          # 407 for clients without valid credentials
 * agents:
 *   - name: ci-bot
 *     token: s3cret-token     # sent as Proxy-Authorization: Basic base64(ci-bot:TOKEN) or Bearer TOKEN
 *     labels: {team: infra}
 * </pre>
 *
 * Tokens are compared in constant time. Without an agents file every client is
 * {@link Source#ANONYMOUS}.
 */
public final class AgentDirectory {
    private record Agent(String name, byte[] token, Map<String, String> labels) {}

    private final List<Agent> agents;
    private final boolean requireAuth;

    private AgentDirectory(List<Agent> agents, boolean requireAuth) {
        this.agents = agents;
        this.requireAuth = requireAuth;
    }

    public static AgentDirectory open() {
        return new AgentDirectory(List.of(), false);
    }

    public static AgentDirectory load(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IOException(file + ": expected a mapping with 'agents'");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("agents") && !f.equals("require_auth")) throw new IOException(file + ": unknown field '" + f + "'");
        }
        List<Agent> agents = new ArrayList<>();
        JsonNode list = root.path("agents");
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            String where = file + ": agents[" + i + "]";
            if (!a.path("name").isTextual() || a.path("name").asText().isBlank()) throw new IOException(where + ": 'name' is required");
            if (!a.path("token").isTextual() || a.path("token").asText().length() < 16) {
                throw new IOException(where + " (" + a.path("name").asText() + "): 'token' must be a string of at least 16 characters");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            a.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            agents.add(new Agent(a.get("name").asText(), a.get("token").asText().getBytes(StandardCharsets.UTF_8), labels));
        }
        return new AgentDirectory(List.copyOf(agents), root.path("require_auth").asBoolean(!agents.isEmpty()));
    }

    public boolean requireAuth() {
        return requireAuth;
    }

    /**
     * The agent named by a {@code Proxy-Authorization} value; {@link Source#ANONYMOUS} when the
     * header is absent and auth is optional; null when credentials are missing but required, or wrong.
     */
    public Source identify(String proxyAuthorization) {
        if (proxyAuthorization == null) return requireAuth ? null : Source.ANONYMOUS;
        byte[] token = tokenOf(proxyAuthorization.strip());
        if (token == null) return null;
        Agent found = null;
        for (Agent a : agents) {
            if (MessageDigest.isEqual(a.token(), token) && found == null) found = a;
        }
        return found == null ? null : new Source(found.name(), "", found.labels());
    }

    private static byte[] tokenOf(String header) {
        int space = header.indexOf(' ');
        if (space < 0) return null;
        String scheme = header.substring(0, space);
        String value = header.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) return value.getBytes(StandardCharsets.UTF_8);
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? null : decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }
}
