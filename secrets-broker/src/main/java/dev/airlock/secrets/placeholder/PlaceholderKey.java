package dev.airlock.secrets.placeholder;

import dev.airlock.secrets.fs.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-installation key placeholders are derived from, kept in the state directory as
 * {@code placeholder.key} (64 hex digits, mode 0600, directory 0700).
 *
 * <p>A placeholder is {@code airlock-ph-<NAME>-<26 base32 characters>}, the characters being
 * the first 130 bits of HMAC-SHA256(key, "airlock placeholder v1\0" + NAME). So it is
 * recognizable (the prefix and the name), stable for as long as the key file is kept (every
 * process on the same state directory computes the same one), unguessable without the key (a
 * guest holding one placeholder cannot forge another's), and says nothing about the secret's
 * value, which never enters the computation. Deleting the key file changes every placeholder.
 */
public final class PlaceholderKey {
    public static final String FILE_NAME = "placeholder.key";
    public static final String PREFIX = "airlock-ph-";
    /** 26 base32 characters = 130 bits of the MAC. */
    public static final int TAG_LENGTH = 26;
    private static final int KEY_BYTES = 32;
    private static final String DOMAIN = "airlock placeholder v1\0";
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final byte[] key;

    private PlaceholderKey(byte[] key) {
        this.key = key.clone();
    }

    /** {@code ~/.airlock/state}. */
    public static Path defaultStateDirectory() {
        return Path.of(System.getProperty("user.home"), ".airlock", "state");
    }

    /** Reads the key from {@code stateDir}, creating the directory and the key on first use. */
    public static PlaceholderKey loadOrCreate(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            PrivateFiles.ensurePrivateDirectory(stateDir);
            byte[] fresh = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(fresh);
            // If another process wins the race we read its key below, so both agree.
            PrivateFiles.createAtomically(file, (HexFormat.of().formatHex(fresh) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return load(file);
    }

    private static PlaceholderKey load(Path file) throws IOException {
        Optional<String> open = PrivateFiles.tooOpen(file);
        if (open.isPresent()) {
            throw new IOException("the placeholder key " + file + " is accessible to other users (mode " + open.get()
                    + "); run `chmod 600 " + file + "`");
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("the placeholder key " + file + " disappeared while reading it", e);
        }
        if (!text.matches("[0-9a-f]{" + (KEY_BYTES * 2) + "}")) {
            throw new IOException("the placeholder key " + file + " is corrupted (expected " + (KEY_BYTES * 2)
                    + " hex digits). Restore it from a backup; deleting it creates a new key and changes every placeholder,"
                    + " so agents must be given the new ones (`airlock secrets placeholders`).");
        }
        return new PlaceholderKey(HexFormat.of().parseHex(text));
    }

    /** A key held only in memory, for tests and embedding. */
    public static PlaceholderKey of(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("a placeholder key needs at least 16 bytes");
        }
        return new PlaceholderKey(key);
    }

    /** The placeholder for secret {@code name}. */
    public String placeholderFor(String name) {
        byte[] mac;
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac = hmac.doFinal((DOMAIN + name).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has HmacSHA256", e);
        }
        return PREFIX + name + "-" + base32(mac, TAG_LENGTH);
    }

    /** The first {@code chars} RFC 4648 base32 characters (lower case) of {@code bytes}. */
    private static String base32(byte[] bytes, int chars) {
        StringBuilder out = new StringBuilder(chars);
        int buffer = 0;
        int bits = 0;
        int i = 0;
        while (out.length() < chars) {
            if (bits < 5) {
                buffer = (buffer << 8) | (bytes[i++] & 0xFF);
                bits += 8;
            }
            out.append(BASE32[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
        return out.toString();
    }
}
