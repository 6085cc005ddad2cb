package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CryptoBuiltinsTest {
    @Test
    void digestsAndMacs() {
        expect("\"80a751fde577028640c419000e33eba6\"", "crypto.md5", "\"lorem ipsum\"");
        expect("\"bfb7759a67daeb65410490b4d98bb9da7d1ea2ce\"", "crypto.sha1", "\"lorem ipsum\"");
        expect("\"5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269\"", "crypto.sha256", "\"lorem ipsum\"");
        // RFC 4231 test case 2
        expect("\"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843\"", "crypto.hmac.sha256",
                "\"what do ya want for nothing?\"", "\"Jefe\"");
        expect("\"750c783e6ab0b503eaa86e310a5db738\"", "crypto.hmac.md5", "\"what do ya want for nothing?\"", "\"Jefe\"");
        expect("true", "crypto.hmac.equal", "\"abc\"", "\"abc\"");
        expect("false", "crypto.hmac.equal", "\"abc\"", "\"abd\"");
    }

    @Test
    void certificatesFromTheSuite() throws Exception {
        Assumptions.assumeTrue(Conformance.present());
        int checked = 0;
        for (ObjectValue c : Conformance.cases("cryptox509parsecertificates")) {
            String module = Conformance.module(c);
            String certs = Conformance.stringConstant(module, "certs");
            Value want = Conformance.wantX(c);
            String note = ((StringValue) c.get("note")).value();
            if (want == null) {
                String err = ((StringValue) c.get("want_error")).value();
                error(BuiltinException.Kind.BUILTIN, err, "crypto.x509.parse_certificates", str(certs));
            } else if (module.contains("URIStrings")) {
                ArrayValue parsed = (ArrayValue) call("crypto.x509.parse_certificates", str(certs));
                assertEquals(want, ((ObjectValue) parsed.get(0)).get("URIStrings"), note);
            } else {
                ArrayValue parsed = (ArrayValue) call("crypto.x509.parse_certificates", str(certs));
                List<Value> cns = new ArrayList<>();
                for (Value v : parsed.elements()) cns.add(((ObjectValue) ((ObjectValue) v).get("Subject")).get("CommonName"));
                assertEquals(want, new ArrayValue(cns), note);
            }
            checked++;
        }
        assertTrue(checked >= 8);
    }

    @Test
    void verifyChainsFromTheSuite() throws Exception {
        Assumptions.assumeTrue(Conformance.present());
        for (ObjectValue c : Conformance.cases("cryptox509parseandverifycertificates")) {
            String certs = Conformance.stringConstant(Conformance.module(c), "certs");
            // the suite's chains are valid from 2021 and 2023 respectively; verify them at the current time, as OPA does
            BuiltinTesting.TestContext now = new BuiltinTesting.TestContext();
            now.time = System.currentTimeMillis() * 1_000_000L;
            ArrayValue result = (ArrayValue) callWith(now, "crypto.x509.parse_and_verify_certificates", str(certs));
            ObjectValue want = (ObjectValue) Conformance.wantX(c);
            assertEquals(want.get("valid"), result.get(0));
            List<Value> summary = new ArrayList<>();
            for (Value v : ((ArrayValue) result.get(1)).elements()) {
                ObjectValue cert = (ObjectValue) v;
                java.util.TreeMap<Value, Value> m = new java.util.TreeMap<>();
                m.put(str("CN"), ((ObjectValue) cert.get("Subject")).get("CommonName"));
                m.put(str("DNS"), cert.get("DNSNames"));
                m.put(str("URI"), cert.get("URIStrings"));
                summary.add(ObjectValue.wrap(m));
            }
            assertEquals(want.get("certs"), new ArrayValue(summary));
        }
        // the same chain before its certificates were issued does not verify
        String certs = Conformance.stringConstant(Conformance.module(Conformance.cases("cryptox509parseandverifycertificates").getFirst()), "certs");
        BuiltinTesting.TestContext past = new BuiltinTesting.TestContext();
        past.time = 1_500_000_000_000_000_000L;
        assertEquals(ArrayValue.of(BoolValue.FALSE, ArrayValue.EMPTY), callWith(past, "crypto.x509.parse_and_verify_certificates", str(certs)));
    }

    @Test
    void certificateRequestsFromTheSuite() throws Exception {
        Assumptions.assumeTrue(Conformance.present());
        for (ObjectValue c : Conformance.cases("cryptox509parsecertificaterequest")) {
            String csr = Conformance.stringConstant(Conformance.module(c), "csr");
            Value want = Conformance.wantX(c);
            if (want == null) {
                error(BuiltinException.Kind.BUILTIN, ((StringValue) c.get("want_error")).value(), "crypto.x509.parse_certificate_request", str(csr));
            } else {
                ObjectValue parsed = (ObjectValue) call("crypto.x509.parse_certificate_request", str(csr));
                assertEquals(want, ((ObjectValue) parsed.get("Subject")).get("CommonName"));
            }
        }
    }

    @Test
    void keysFromTheSuite() throws Exception {
        Assumptions.assumeTrue(Conformance.present());
        for (ObjectValue c : Conformance.cases("cryptox509parsekeypair")) {
            ObjectValue input = (ObjectValue) c.get("input");
            ObjectValue kp = (ObjectValue) call("crypto.x509.parse_keypair", input.get("cert"), input.get("key"));
            assertEquals(Conformance.wantX(c), ((ArrayValue) kp.get("Certificate")).get(0));
        }
        for (ObjectValue c : Conformance.cases("cryptox509parsersaprivatekey")) {
            String pem = Conformance.stringConstant(Conformance.module(c), "pem");
            Value want = Conformance.wantX(c);
            if (want == null) {
                builtinError("illegal base64", "crypto.x509.parse_rsa_private_key", "\"invalid\"");
            } else {
                assertEquals(want, call("crypto.x509.parse_rsa_private_key", str(pem)));
            }
        }
        for (ObjectValue c : Conformance.cases("cryptoparsersaprivatekeys")) {
            String pem = Conformance.stringConstant(Conformance.module(c), "pem");
            Value keys = call("crypto.parse_private_keys", str(pem));
            if (pem.isEmpty()) assertEquals(NullValue.NULL, keys);
            else if (pem.equals("nope")) assertEquals(ArrayValue.EMPTY, keys);
            else assertEquals(1, ((ArrayValue) keys).size());
        }
    }
}
