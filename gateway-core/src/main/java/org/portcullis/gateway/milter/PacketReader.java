package org.portcullis.gateway.milter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the fields of one packet's data, either direction: big-endian integers, NUL-terminated
 * strings, string arrays and raw bytes, saying exactly what is missing when the packet is short.
 */
final class PacketReader {

    private final ByteBuffer data;
    private final char code;

    PacketReader(MilterPacket packet) {
        this.data = packet.read();
        this.code = packet.code();
    }

    boolean hasMore() {
        return data.hasRemaining();
    }

    int integer(String what) throws MilterProtocolException {
        if (data.remaining() < 4) {
            throw short_(what);
        }
        return data.getInt();
    }

    int unsignedShort(String what) throws MilterProtocolException {
        if (data.remaining() < 2) {
            throw short_(what);
        }
        return data.getShort() & 0xFFFF;
    }

    int oneByte(String what) throws MilterProtocolException {
        if (!data.hasRemaining()) {
            throw short_(what);
        }
        return data.get() & 0xFF;
    }

    int index() throws MilterProtocolException {
        int index = integer("index");
        if (index < 0) {
            throw new MilterProtocolException("'" + code + "' with a negative header index " + Integer.toUnsignedString(index));
        }
        return index;
    }

    String string(String what) throws MilterProtocolException {
        int start = data.position();
        for (int i = start; i < data.limit(); i++) {
            if (data.get(i) == 0) {
                byte[] bytes = new byte[i - start];
                data.get(bytes);
                data.get();
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
        throw short_(what + " (no terminating NUL)");
    }

    /** A string array: strings back to back up to the end of the packet, at least one. */
    List<String> strings(String what) throws MilterProtocolException {
        List<String> out = new ArrayList<>();
        out.add(string(what));
        while (data.hasRemaining()) {
            out.add(string(what));
        }
        return out;
    }

    Optional<String> optionalString() throws MilterProtocolException {
        return data.hasRemaining() ? Optional.of(string("parameters")) : Optional.empty();
    }

    byte[] rest() {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return bytes;
    }

    void requireEnd() throws MilterProtocolException {
        if (data.hasRemaining()) {
            throw new MilterProtocolException("'" + PacketDecoder.printable(code) + "' has " + data.remaining()
                    + " unexpected bytes at its end");
        }
    }

    private MilterProtocolException short_(String what) {
        return new MilterProtocolException("'" + PacketDecoder.printable(code) + "' packet too short for its " + what);
    }
}
