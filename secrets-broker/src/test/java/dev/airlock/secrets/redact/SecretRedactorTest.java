package dev.airlock.secrets.redact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretRedactorTest {
    /** Has characters every encoding treats specially: '/', '+', space, quotes, '<', '&', non-ASCII. */
    private static final String TRICKY = "sk-Ab/9+z \"q\" <b>&é~*'()";
    private static final String PLAIN = "ghp_0123456789abcdefXYZ";

    private static RedactionPatterns patterns(String... nameValue) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put(nameValue[i], nameValue[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return RedactionPatterns.compile(m);
    }

    private static String redact(RedactionPatterns p, String text) {
        return new String(p.redact(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private static String stars(int n) {
        return "*".repeat(n);
    }

    /** Encodings produced by real encoders (not by SecretEncodings), each must vanish. */
    private static List<String> realEncodings(String value) throws Exception {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        out.add(value);
        out.add(Base64.getEncoder().encodeToString(v));
        out.add(Base64.getUrlEncoder().withoutPadding().encodeToString(v));
        String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
        out.add(form);
        out.add(lowerHex(form));
        out.add(form.replace("+", "%20").replace("*", "%2A").replace("%7E", "~")); // RFC 3986
        JsonMapper plain = JsonMapper.builder().build();
        String json = plain.writeValueAsString(value);
        out.add(json.substring(1, json.length() - 1));
        JsonMapper ascii = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        String asciiJson = ascii.writeValueAsString(value);
        out.add(asciiJson.substring(1, asciiJson.length() - 1));
        out.add(json.substring(1, json.length() - 1).replace("/", "\\/"));
        return out;
    }

    private static String lowerHex(String percentEncoded) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < percentEncoded.length(); i++) {
            char c = percentEncoded.charAt(i);
            b.append(c);
            if (c == '%') {
                b.append(percentEncoded.substring(i + 1, i + 3).toLowerCase(Locale.ROOT));
                i += 2;
            }
        }
        return b.toString();
    }

    @Test
    void everyEncodingFromRealEncodersIsRedactedWithSameLength() throws Exception {
        RedactionPatterns p = patterns("TRICKY", TRICKY);
        for (String encoded : realEncodings(TRICKY)) {
            String text = "before[" + encoded + "]after";
            String out = redact(p, text);
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, out.getBytes(StandardCharsets.UTF_8).length, "same length");
            assertEquals("before[" + stars(encoded.getBytes(StandardCharsets.UTF_8).length) + "]after", out, "encoding: " + encoded);
        }
    }

    @Test
    void pythonStyleLowerHexJsonEscapesAreRedacted() {
        RedactionPatterns p = patterns("S", "pässwörd-123");
        assertEquals("x" + stars("p\\u00e4ssw\\u00f6rd-123".length()) + "x", redact(p, "xp\\u00e4ssw\\u00f6rd-123x"));
        assertEquals("x" + stars("p\\u00E4ssw\\u00F6rd-123".length()) + "x", redact(p, "xp\\u00E4ssw\\u00F6rd-123x"));
    }

    @Test
    void base64OfTheValueInsideALongerStreamAtEveryAlignment() {
        RedactionPatterns p = patterns("PLAIN", PLAIN);
        for (String prefix : new String[] {"", "u", "us", "user:", "Authorization header user:", "ab"}) {
            for (String suffix : new String[] {"", "x", "xy", "!trailing data"}) {
                String stream = Base64.getEncoder().encodeToString((prefix + PLAIN + suffix).getBytes(StandardCharsets.UTF_8));
                String out = redact(p, stream);
                assertTrue(out.contains("*"), prefix + "|" + suffix);
                byte[] decodedAround = leaked(out, stream);
                // Whatever is left unredacted decodes to at most the value's first or last byte's bits.
                assertFalse(new String(decodedAround, StandardCharsets.ISO_8859_1).contains(PLAIN.substring(1, PLAIN.length() - 1)),
                        prefix + "|" + suffix + ": " + out);
                int starsCount = (int) out.chars().filter(c -> c == '*').count();
                assertTrue(starsCount >= (PLAIN.length() * 4 / 3) - 2, out);
            }
        }
    }

    /** Characters of {@code original} that survived in {@code redacted}, decoded loosely as base64 in runs. */
    private static byte[] leaked(String redacted, String original) {
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < original.length(); i++) {
            kept.append(redacted.charAt(i) == '*' ? 'A' : original.charAt(i));
        }
        return Base64.getDecoder().decode(kept.toString());
    }

    @Test
    void redactsAcrossEveryChunkBoundaryAndByteByByte() {
        RedactionPatterns p = patterns("PLAIN", PLAIN, "TRICKY", TRICKY);
        String text = "{\"token\":\"" + PLAIN + "\",\"b64\":\"" + Base64.getEncoder().encodeToString(("me:" + TRICKY).getBytes(StandardCharsets.UTF_8))
                + "\",\"q\":\"" + URLEncoder.encode(TRICKY, StandardCharsets.UTF_8) + "\"}" + PLAIN;
        byte[] input = text.getBytes(StandardCharsets.UTF_8);
        byte[] expected = p.redact(input);
        assertFalse(new String(expected, StandardCharsets.UTF_8).contains(PLAIN));
        for (int split = 0; split <= input.length; split++) {
            SecretRedactor r = p.newRedactor();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(r.update(input, 0, split));
            assertTrue(r.heldBack() <= p.maxPatternLength() - 1, "hold-back bound");
            out.writeBytes(r.update(input, split, input.length - split));
            out.writeBytes(r.finish());
            assertArrayEquals(expected, out.toByteArray(), "split at " + split);
            assertEquals(Map.of("PLAIN", 2L, "TRICKY", 2L), r.redactionCounts(), "split at " + split);
        }
        SecretRedactor r = p.newRedactor();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : input) {
            out.writeBytes(r.update(new byte[] {b}));
            assertTrue(r.heldBack() <= p.maxPatternLength() - 1);
        }
        out.writeBytes(r.finish());
        assertArrayEquals(expected, out.toByteArray());
    }

    @Test
    void outputIsReleasedAsSoonAsNoPatternCanStillMatch() {
        RedactionPatterns p = patterns("PLAIN", PLAIN);
        SecretRedactor r = p.newRedactor();
        assertArrayEquals("hello world ".getBytes(StandardCharsets.UTF_8), r.update("hello world ".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), r.update("xghp_01".getBytes(StandardCharsets.UTF_8)), "a possible start is held");
        assertEquals(6, r.heldBack());
        assertArrayEquals("ghp_01!".getBytes(StandardCharsets.UTF_8), r.update("!".getBytes(StandardCharsets.UTF_8)), "released once it cannot match");
        assertArrayEquals(new byte[0], r.finish());
    }

    @Test
    void overlappingSecretsAreBothRedacted() {
        RedactionPatterns p = patterns("A", "abcdefgh12", "B", "fgh12345678", "C", "cdefgh");
        String out = redact(p, "xxabcdefgh12345678yy");
        assertEquals("xx" + stars(16) + "yy", out);
        SecretRedactor r = p.newRedactor();
        r.update("xxabcdefgh12345678yy".getBytes(StandardCharsets.US_ASCII));
        r.finish();
        assertEquals(Map.of("A", 1L, "B", 1L, "C", 1L), r.redactionCounts());
    }

    @Test
    void repeatedAndAdjacentOccurrencesAreCountedEach() {
        RedactionPatterns p = patterns("PLAIN", PLAIN);
        SecretRedactor r = p.newRedactor();
        byte[] out = r.update((PLAIN + PLAIN + " " + PLAIN).getBytes(StandardCharsets.US_ASCII));
        byte[] tail = r.finish();
        assertEquals(PLAIN.length() * 3 + 1, out.length + tail.length);
        assertEquals(Map.of("PLAIN", 3L), r.redactionCounts());
        assertEquals(3, r.totalRedactions());
    }

    @Test
    void nearMissesAreLeftAlone() {
        RedactionPatterns p = patterns("PLAIN", PLAIN);
        String[] nearMisses = {
            PLAIN.substring(0, PLAIN.length() - 1) + "Q",
            PLAIN.substring(1),
            PLAIN.substring(0, PLAIN.length() - 1),
            PLAIN.toUpperCase(Locale.ROOT),
            "ghp_0123456789abcdefXY Z",
            Base64.getEncoder().encodeToString((PLAIN.substring(0, PLAIN.length() - 1) + "Q").getBytes(StandardCharsets.US_ASCII)).substring(0, 24),
        };
        for (String near : nearMisses) {
            String text = "<" + near + ">";
            assertEquals(text, redact(p, text), near);
        }
    }

    @Test
    void noSecretsMeansPassThrough() {
        RedactionPatterns p = RedactionPatterns.compile(Map.of());
        SecretRedactor r = p.newRedactor();
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), r.update("abc".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(new byte[0], r.finish());
    }

    @Test
    void propertyStreamingEqualsNaiveReference() {
        Random random = new Random(20251123);
        byte[] alphabet = "abAB+/=%2Fx\"\\".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 300; round++) {
            Map<String, byte[]> secrets = new LinkedHashMap<>();
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                byte[] v = new byte[8 + random.nextInt(6)];
                for (int j = 0; j < v.length; j++) {
                    v[j] = alphabet[random.nextInt(4)]; // small alphabet: overlaps and partial matches are common
                }
                secrets.put("S" + i, v);
            }
            RedactionPatterns p = RedactionPatterns.compile(secrets);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            int pieces = random.nextInt(12);
            for (int k = 0; k < pieces; k++) {
                if (random.nextBoolean()) {
                    byte[] noise = new byte[random.nextInt(20)];
                    for (int j = 0; j < noise.length; j++) {
                        noise[j] = alphabet[random.nextInt(alphabet.length)];
                    }
                    text.writeBytes(noise);
                } else {
                    byte[] v = secrets.get("S" + random.nextInt(count));
                    List<byte[]> variants = SecretEncodings.patterns(v);
                    byte[] chosen = variants.get(random.nextInt(variants.size()));
                    // sometimes only part of it: partial matches must not be redacted
                    text.writeBytes(random.nextInt(4) == 0 ? Arrays.copyOf(chosen, random.nextInt(chosen.length)) : chosen);
                }
            }
            byte[] input = text.toByteArray();
            byte[] expected = naive(secrets, input);
            SecretRedactor r = p.newRedactor();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int pos = 0;
            while (pos < input.length) {
                int n = Math.min(input.length - pos, random.nextInt(7));
                out.writeBytes(r.update(input, pos, n));
                assertTrue(r.heldBack() <= p.maxPatternLength() - 1);
                pos += n;
            }
            out.writeBytes(r.finish());
            assertArrayEquals(expected, out.toByteArray(), "round " + round + " input " + new String(input, StandardCharsets.ISO_8859_1));
        }
    }

    /** Quadratic reference: mark every occurrence of every variant, then fill. */
    private static byte[] naive(Map<String, byte[]> secrets, byte[] input) {
        boolean[] mark = new boolean[input.length];
        for (byte[] value : secrets.values()) {
            for (byte[] pattern : SecretEncodings.patterns(value)) {
                for (int start = 0; start + pattern.length <= input.length; start++) {
                    if (Arrays.equals(input, start, start + pattern.length, pattern, 0, pattern.length)) {
                        Arrays.fill(mark, start, start + pattern.length, true);
                    }
                }
            }
        }
        byte[] out = input.clone();
        for (int i = 0; i < out.length; i++) {
            if (mark[i]) {
                out[i] = '*';
            }
        }
        return out;
    }

    @Test
    void base64CoreMatchesTheDefinition() {
        byte[] v = PLAIN.getBytes(StandardCharsets.US_ASCII);
        for (int offset = 0; offset < 3; offset++) {
            byte[] core = SecretEncodings.base64Core(Base64.getEncoder(), v, offset);
            for (int prefixFill = 0; prefixFill < 256; prefixFill += 85) {
                byte[] stream = new byte[offset + v.length + 2];
                Arrays.fill(stream, (byte) prefixFill);
                System.arraycopy(v, 0, stream, offset, v.length);
                String encoded = Base64.getEncoder().encodeToString(stream);
                assertTrue(encoded.contains(new String(core, StandardCharsets.US_ASCII)), "offset " + offset + " fill " + prefixFill);
            }
        }
    }
}
