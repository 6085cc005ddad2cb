package dev.airlock.secrets.broker;

import java.util.List;

/**
 * The request as policy input and the audit log may show it: every placeholder and every real
 * secret value in the path, query and headers replaced by {@code [secret:NAME]} (inside Basic
 * credentials too, re-encoded). Never contains a secret value.
 */
public record RequestView(String path, String rawQuery, List<HttpHeader> headers) {
    public RequestView {
        headers = List.copyOf(headers);
    }

    public static String marker(String secretName) {
        return "[secret:" + secretName + "]";
    }
}
