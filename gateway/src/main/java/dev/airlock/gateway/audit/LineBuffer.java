package dev.airlock.gateway.audit;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A growable byte array that a batch of lines is assembled in before one write. */
final class LineBuffer {
    private byte[] bytes;
    private int size;

    LineBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    void clear() {
        size = 0;
    }

    /** Drops everything after {@code newSize}; used to undo a half-assembled line. */
    void truncate(int newSize) {
        size = newSize;
    }

    void put(byte b) {
        ensure(1);
        bytes[size++] = b;
    }

    void put(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, bytes, size, length);
        size += length;
    }

    /** Appends an ASCII string (callers only pass digits, hex and JSON punctuation). */
    void putAscii(String s) {
        // getBytes copies an ASCII string's internal bytes in bulk; a char-by-char loop showed
        // up in the writer thread's profile (the 64-digit hash of every line goes through here).
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
    }

    ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
