package org.portcullis.gateway.milter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One packet of the milter protocol, either direction: a one-byte code and its data. On the
 * wire it is {@code uint32 length} (code plus data, big-endian), the code, then the data.
 */
record MilterPacket(char code, byte[] data) {

    MilterPacket {
        if (code > 0xFF) {
            throw new IllegalArgumentException("a packet code is one byte: " + (int) code);
        }
        data = data.clone();
    }

    static MilterPacket of(char code) {
        return new MilterPacket(code, new byte[0]);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    int size() {
        return data.length;
    }

    /** The packet as sent: length, code, data. */
    byte[] frame() {
        ByteBuffer out = ByteBuffer.allocate(5 + data.length);
        out.putInt(1 + data.length).put((byte) code).put(data);
        return out.array();
    }

    /** Reads the data in place, without a copy (the caller must not change it). */
    ByteBuffer read() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MilterPacket p && p.code == code && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String text = new String(data, 0, Math.min(data.length, 64), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", ".");
        return "MilterPacket[" + code + " " + data.length + " bytes: " + text
                + (data.length > 64 ? "…" : "") + " / " + HexFormat.of().formatHex(data, 0, Math.min(data.length, 16)) + "]";
    }
}
