package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Digests, HMACs and private keys: crypto.md5/sha1/sha256, crypto.hmac.*, crypto.parse_private_keys. */
public final class CryptoBuiltins {
    private CryptoBuiltins() {}

    public static List<Builtin> declarations() {
        return List.of(
                digest("crypto.md5", "MD5"),
                digest("crypto.sha1", "SHA-1"),
                digest("crypto.sha256", "SHA-256"),
                hmac("crypto.hmac.md5", "HmacMD5"),
                hmac("crypto.hmac.sha1", "HmacSHA1"),
                hmac("crypto.hmac.sha256", "HmacSHA256"),
                hmac("crypto.hmac.sha512", "HmacSHA512"),
                Builtin.of("crypto.hmac.equal", func(args(S, S), B), "Compares two MACs in constant time",
                        (ctx, a) -> BoolValue.of(MessageDigest.isEqual(GoStrings.bytes(string(a, 1)), GoStrings.bytes(string(a, 2))))),
                Builtin.of("crypto.parse_private_keys", func(args(S), arrayOf(objectOf(S, A))),
                        "The private keys in PEM (or base64-encoded PEM) text, as JSON Web Keys",
                        (ctx, a) -> parsePrivateKeys(string(a, 1))),
                Builtin.of("crypto.x509.parse_rsa_private_key", func(args(S), objectOf(S, A)),
                        "An RSA private key from PEM (or base64-encoded PEM), as a JSON Web Key",
                        (ctx, a) -> {
                            for (Pem.Block b : Pem.blocks(string(a, 1), "RSA PRIVATE KEY")) {
                                PrivateKey k = PrivateKeys.fromBlock(b);
                                if (k instanceof java.security.interfaces.RSAPrivateCrtKey) return PrivateKeys.jwk(k);
                            }
                            throw BuiltinException.error("failed to parse RSA private key: no RSA PRIVATE KEY block found");
                        }));
    }

    private static Builtin digest(String name, String algorithm) {
        return Builtin.of(name, func(args(S), S), "The hex " + algorithm + " digest of a string",
                (ctx, a) -> {
                    try {
                        return StringValue.of(HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(GoStrings.bytes(string(a, 1)))));
                    } catch (GeneralSecurityException e) {
                        throw BuiltinException.error(algorithm + " unavailable: " + e.getMessage());
                    }
                });
    }

    private static Builtin hmac(String name, String algorithm) {
        return Builtin.of(name, func(args(S, S), S), "The hex " + algorithm + " of a message with a key",
                (ctx, a) -> StringValue.of(HexFormat.of().formatHex(mac(algorithm, GoStrings.bytes(string(a, 2)), GoStrings.bytes(string(a, 1))))));
    }

    static byte[] mac(String algorithm, byte[] key, byte[] message) throws BuiltinException {
        try {
            Mac mac = Mac.getInstance(algorithm);
            // SecretKeySpec rejects empty keys; HMAC zero-pads keys, so one zero byte is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw BuiltinException.error(algorithm + " failed: " + e.getMessage());
        }
    }

    private static Value parsePrivateKeys(String text) throws BuiltinException {
        if (text.isEmpty()) return NullValue.NULL;
        List<Pem.Block> blocks;
        try {
            blocks = Pem.blocks(text, "PRIVATE KEY");
        } catch (BuiltinException e) {
            return ArrayValue.EMPTY;
        }
        List<Value> out = new ArrayList<>();
        for (Pem.Block b : blocks) {
            if (!b.type().endsWith("PRIVATE KEY")) continue;
            PrivateKey k;
            try {
                k = PrivateKeys.fromBlock(b);
            } catch (BuiltinException e) {
                if (Pem.isPem(text)) throw e;
                continue; // base64 that was not a DER key: no keys
            }
            if (k != null) out.add(PrivateKeys.jwk(k));
        }
        return new ArrayValue(out);
    }
}
