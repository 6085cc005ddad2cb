package dev.airlock.policy.rest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as {@link OpaApi} sees it, free of Netty types so the API can be tested
 * and reasoned about on its own.
 *
 * @param method  upper-case HTTP method
 * @param rawPath the URL path, still percent-encoded (segments are decoded one by one)
 * @param params  decoded query parameters
 * @param body    the request body, already decompressed (empty when there was none)
 */
public record ApiRequest(String method, String rawPath, Map<String, List<String>> params, byte[] body) {
    public ApiRequest {
        params = Map.copyOf(params);
        body = body == null ? new byte[0] : body;
    }

    /** A flag parameter as OPA reads it: present with no value, or with the value "true". */
    public boolean flag(String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) return false;
        String v = values.getFirst();
        return v.isEmpty() || v.equalsIgnoreCase("true");
    }

    public String param(String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
