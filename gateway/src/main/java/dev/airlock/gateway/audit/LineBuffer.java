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
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
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
