package dev.airlock.gateway.http;

import dev.airlock.gateway.net.HostLiteral;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/**
 * The authority and origin-form target of a request, from its absolute-form URI or its
 * {@code Host} header (HTTP/2's {@code :authority} arrives as {@code Host}).
 *
 * @param host        the host as a client wrote it, normalised ({@code null} when absent)
 * @param port        the explicit or default port
 * @param originForm  path and query, always starting with "/"
 * @param problem     why the target is unusable, or null
 */
public record RequestTarget(String host, int port, String originForm, String problem) {

    static RequestTarget of(HttpRequest r, int flowPort, String scheme) {
        String uri = r.uri();
        List<String> hostHeaders = r.headers().getAll(HttpHeaderNames.HOST);
        if (hostHeaders.size() > 1) return bad("request has more than one Host header");
        String hostHeader = hostHeaders.isEmpty() ? null : hostHeaders.getFirst();
        int defaultPort = "https".equals(scheme) ? 443 : 80;
        if (uri.startsWith("/")) {
            if (hostHeader == null) return new RequestTarget(null, flowPort, uri, null);
            return withAuthority(hostHeader, defaultPort, uri);
        }
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd > 0) {
            String rest = uri.substring(schemeEnd + 3);
            int slash = indexOfAny(rest, "/?#");
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "/" : rest.substring(slash);
            if (path.startsWith("?")) path = "/" + path;
            int hash = path.indexOf('#');
            if (hash >= 0) path = path.substring(0, hash);
            String s = uri.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT);
            int port = s.equals("https") ? 443 : 80;
            RequestTarget t = withAuthority(authority, port, path);
            if (t.problem() == null && hostHeader != null) {
                RequestTarget h = withAuthority(hostHeader, port, path);
                if (h.problem() != null || !h.host().equals(t.host()) || h.port() != t.port()) {
                    return bad("Host header '" + hostHeader + "' does not match the request target '" + authority + "'");
                }
            }
            return t;
        }
        return bad("unsupported request target '" + uri + "' (expected a path or an absolute URL)");
    }

    private static RequestTarget withAuthority(String authority, int defaultPort, String path) {
        if (authority.indexOf('@') >= 0) return bad("user information in the authority is not allowed");
        String host = authority;
        int port = defaultPort;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && authority.indexOf(']') < colon) {
            String p = authority.substring(colon + 1);
            port = portNumber(p);
            if (port < 0) return bad("bad port in '" + authority + "'");
            host = authority.substring(0, colon);
        }
        return switch (HostLiteral.parse(host)) {
            case HostLiteral.Ip ip -> new RequestTarget(ip.text(), port, path, null);
            case HostLiteral.Name n -> new RequestTarget(n.text(), port, path, null);
            case HostLiteral.Refused r -> bad(r.reason());
        };
    }

    /** 1-65535 written as 1 to 5 ASCII digits, or -1. */
    private static int portNumber(String p) {
        if (p.isEmpty() || p.length() > 5) return -1;
        int n = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n >= 1 && n <= 65535 ? n : -1;
    }

    private static RequestTarget bad(String problem) {
        return new RequestTarget(null, 0, "/", problem);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) return i;
        }
        return -1;
    }
}
