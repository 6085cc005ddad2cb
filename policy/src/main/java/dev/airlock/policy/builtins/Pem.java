package dev.airlock.policy.builtins;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM blocks as Go's encoding/pem reads them, and OPA's convention for certificate and key
 * operands: PEM text, or standard base64 of PEM text or of DER.
 */
final class Pem {
    private Pem() {}

    record Block(String type, byte[] der) {}

    /** All PEM blocks in text (text around and between blocks is ignored); malformed blocks are errors. */
    static List<Block> decodeAll(String text) throws BuiltinException {
        List<Block> out = new ArrayList<>();
        int i = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", i);
            if (begin < 0) break;
            int typeEnd = text.indexOf("-----", begin + 11);
            if (typeEnd < 0) throw BuiltinException.error("malformed PEM block: missing end of BEGIN line");
            String type = text.substring(begin + 11, typeEnd);
            String endMarker = "-----END " + type + "-----";
            int end = text.indexOf(endMarker, typeEnd + 5);
            if (end < 0) throw BuiltinException.error("malformed PEM block: missing " + endMarker);
            String body = text.substring(typeEnd + 5, end);
            StringBuilder b64 = new StringBuilder();
            for (String line : body.split("\\r?\\n")) {
                if (line.contains(":")) continue; // RFC 1421 headers
                for (char c : line.toCharArray()) if (!Character.isWhitespace(c)) b64.append(c);
            }
            try {
                out.add(new Block(type, Base64.getDecoder().decode(b64.toString())));
            } catch (IllegalArgumentException e) {
                throw BuiltinException.error("malformed PEM block " + type + ": " + e.getMessage());
            }
            i = end + endMarker.length();
        }
        return out;
    }

    static boolean isPem(String s) {
        return s.stripLeading().startsWith("-----BEGIN");
    }

    /**
     * The DER blocks of an operand: PEM text, base64 of PEM text, or base64 of DER (returned as
     * one block of the given type). Base64 errors are reported as Go words them.
     */
    static List<Block> blocks(String operand, String derType) throws BuiltinException {
        if (isPem(operand)) return decodeAll(operand);
        byte[] raw = EncodingBuiltins.decodeBase64(operand, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
        String asText = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (isPem(asText)) return decodeAll(asText);
        return List.of(new Block(derType, raw));
    }
}
