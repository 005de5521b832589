package org.portcullis.gateway.milter;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A milter made of bytes: what we send is recorded frame by frame, and the script answers each
 * command code with wire bytes, decoded by the real {@link PacketDecoder}. A command without a
 * scripted answer gets silence (a timeout); an extra scripted answer stays unread.
 */
final class ScriptedTransport implements MilterTransport {

    private final List<byte[]> sent = new ArrayList<>();
    private final Map<Character, Deque<byte[]>> answers = new HashMap<>();
    private final PacketDecoder decoder = new PacketDecoder();
    private final ByteBuffer pending = ByteBuffer.allocate(4 << 20).flip();
    private boolean closed;
    private boolean hangUpAfterAnswer;
    private final List<Duration> receiveTimeouts = new ArrayList<>();

    /** Answers the next command with this code by these bytes (several frames may be joined). */
    ScriptedTransport on(char code, byte[]... frames) {
        for (byte[] f : frames) {
            answers.computeIfAbsent(code, c -> new ArrayDeque<>()).add(f);
        }
        return this;
    }

    /** Answers this code by a single decision frame. */
    ScriptedTransport decide(char code, char decision) {
        return on(code, MilterPacket.of(decision).frame());
    }

    /** The milter closes the connection once its scripted bytes are read. */
    ScriptedTransport hangUp() {
        hangUpAfterAnswer = true;
        return this;
    }

    /** Puts bytes on the wire as if the milter sent them unasked. */
    void unsolicited(byte[] frame) {
        feed(frame);
    }

    List<byte[]> sent() {
        return sent;
    }

    List<Character> sentCodes() {
        return sent.stream().map(b -> (char) (b[4] & 0xFF)).toList();
    }

    List<Duration> receiveTimeouts() {
        return receiveTimeouts;
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void send(MilterPacket packet, Duration timeout) throws EOFException {
        if (closed) {
            throw new EOFException("closed");
        }
        sent.add(packet.frame());
        Deque<byte[]> queue = answers.get(packet.code());
        if (queue == null || queue.isEmpty() || packet.code() == MilterProtocol.MACRO) {
            return;
        }
        // Every frame scripted for this code up to and including the first decision answers it.
        while (!queue.isEmpty()) {
            byte[] frame = queue.poll();
            feed(frame);
            if (endsReply(frame)) {
                break;
            }
        }
    }

    @Override
    public MilterPacket receive(Duration timeout) throws TimeoutException, MilterProtocolException, EOFException {
        receiveTimeouts.add(timeout);
        Optional<MilterPacket> packet = decoder.next(pending);
        if (packet.isPresent()) {
            return packet.get();
        }
        if (hangUpAfterAnswer) {
            throw new EOFException("milter closed the connection");
        }
        throw new TimeoutException("timed out waiting for a reply");
    }

    @Override
    public boolean hasUnread() {
        return pending.hasRemaining();
    }

    @Override
    public void maxDataSize(int bytes) {
        decoder.maxDataSize(bytes);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void feed(byte[] frame) {
        pending.compact().put(frame).flip();
    }

    private static boolean endsReply(byte[] frame) {
        char code = (char) (frame[4] & 0xFF);
        return "Ocarytdfs".indexOf(code) >= 0;
    }
}
