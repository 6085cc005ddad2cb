package dev.airlock.gateway.http;

import dev.airlock.gateway.flow.Flow;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Locale;

/** Checks a request head must pass before policy sees it. Each returns a reason, or null when fine. */
final class RequestChecks {
    private RequestChecks() {}

    /**
     * Framing that two HTTP parsers could read differently is refused rather than normalised:
     * that difference is what request smuggling exploits.
     */
    static String framingProblem(HttpRequest r) {
        List<String> te = r.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        List<String> cl = r.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (!te.isEmpty() && !cl.isEmpty()) {
            return "request has both Content-Length and Transfer-Encoding (request smuggling)";
        }
        if (te.size() > 1 || te.size() == 1 && !te.getFirst().strip().toLowerCase(Locale.ROOT).equals("chunked")) {
            return "unsupported Transfer-Encoding " + te + " (only \"chunked\" is accepted)";
        }
        if (cl.size() > 1) return "request has more than one Content-Length header";
        return null;
    }

    /**
     * The authority inside an approved flow must be the destination policy approved and the
     * TLS server name: anything else is domain fronting, answered with 421.
     */
    static String authorityMismatch(RequestTarget target, Flow flow) {
        if (target.host() == null) return null;
        String approved = flow.destination().host();
        if (!target.host().equals(approved) || target.port() != flow.destination().port()) {
            return "request authority '" + target.host() + ":" + target.port() + "' does not match the approved destination '"
                    + flow.destination().authority() + "' (domain fronting)";
        }
        if (flow.sni() != null && !flow.sni().equals(target.host())) {
            return "request authority '" + target.host() + "' does not match the TLS server name '" + flow.sni() + "'";
        }
        return null;
    }
}
