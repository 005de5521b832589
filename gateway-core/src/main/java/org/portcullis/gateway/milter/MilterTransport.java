package org.portcullis.gateway.milter;

import java.io.IOException;
import java.time.Duration;

/** A connection to one milter that moves whole packets, each wait bounded by a timeout. */
interface MilterTransport extends AutoCloseable {

    /** Sends one packet; gives up when it cannot be written within {@code timeout}. */
    void send(MilterPacket packet, Duration timeout) throws IOException, TimeoutException;

    /**
     * Sends a packet that gets no reply, perhaps later: it may wait for the next {@link #send}
     * (and goes out before that packet) or for enough bytes to be worth a write.
     */
    default void queue(MilterPacket packet, Duration timeout) throws IOException, TimeoutException {
        send(packet, timeout);
    }

    /**
     * Waits up to {@code timeout} for the next packet.
     *
     * @throws java.io.EOFException when the milter closed the connection
     */
    MilterPacket receive(Duration timeout) throws IOException, TimeoutException, MilterProtocolException;

    /**
     * Whether the milter has sent something nobody asked for yet (checked before each command:
     * a reply where none is due would otherwise be taken as the answer to the next one).
     */
    boolean hasUnread() throws IOException;

    /** From now on, refuses packets with more data than this. */
    void maxDataSize(int bytes);

    /** Closes at once; a thread blocked in {@link #send} or {@link #receive} gets an exception. */
    @Override
    void close();

    /** The wait ran out. */
    final class TimeoutException extends Exception {
        TimeoutException(String message) {
            super(message);
        }
    }
}
