package org.portcullis.gateway.milter;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Cuts packets out of the bytes read from a milter, however they arrive. The length is checked
 * against the agreed data limit before anything is allocated, so a milter cannot make us
 * reserve a gigabyte by sending four bytes.
 */
final class PacketDecoder {

    private final ByteBuffer header = ByteBuffer.allocate(4);
    private ByteBuffer body;
    private int maxDataSize = MilterProtocol.MAX_DATA_64K;

    /** Applies from the next packet on (the limit changes once, after negotiation). */
    void maxDataSize(int size) {
        this.maxDataSize = size;
    }

    /**
     * Takes bytes from {@code in} up to the end of one packet and returns it, or empty when
     * {@code in} ran out first (the partial packet is kept for the next call).
     */
    Optional<MilterPacket> next(ByteBuffer in) throws MilterProtocolException {
        if (body == null) {
            while (header.hasRemaining() && in.hasRemaining()) {
                header.put(in.get());
            }
            if (header.hasRemaining()) {
                return Optional.empty();
            }
            header.flip();
            long length = Integer.toUnsignedLong(header.getInt());
            header.clear();
            if (length == 0) {
                throw new MilterProtocolException("packet of length 0 (no code byte)");
            }
            if (length - 1 > maxDataSize) {
                throw new MilterProtocolException("packet of " + (length - 1)
                        + " data bytes is over the agreed limit of " + maxDataSize);
            }
            body = ByteBuffer.allocate((int) length);
        }
        int n = Math.min(body.remaining(), in.remaining());
        body.put(body.position(), in, in.position(), n);
        body.position(body.position() + n);
        in.position(in.position() + n);
        if (body.hasRemaining()) {
            return Optional.empty();
        }
        byte[] bytes = body.array();
        body = null;
        MilterPacket packet = new MilterPacket((char) (bytes[0] & 0xFF), java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
        return Optional.of(packet);
    }

    /** Whether part of a packet has been read. */
    boolean inPacket() {
        return body != null || header.position() > 0;
    }

    static String printable(char code) {
        return code >= 0x20 && code < 0x7f ? String.valueOf(code) : String.format("0x%02x", (int) code);
    }
}
