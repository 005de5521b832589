package org.portcullis.gateway.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One message being written to the spool. The bytes given are the message as it will be
 * relayed: dot-unstuffed, CRLF line ends, Received header first.
 */
public interface SpoolWriter {

    /** Appends message bytes; fails if the disk is full or the spool is unwritable. */
    void write(ByteBuffer bytes) throws IOException;

    /** How many message bytes were written so far. */
    long size();

    /**
     * Makes the message durable — content and envelope written, file and directory fsynced,
     * sharing the fsyncs with concurrent commits — and hands it to the queue. The future
     * completes when "250 queued" may be said, or exceptionally when it may not (then the
     * message is gone from the spool and the client gets a 4xx).
     */
    CompletableFuture<Void> commit();

    /**
     * As {@link #commit()}, but into hold/ (quarantine): durable, and not delivered until an
     * admin releases it.
     */
    CompletableFuture<Void> commitToHold();

    /**
     * The content written so far, readable in place (for the filters) until the message is
     * committed or aborted.
     */
    org.portcullis.gateway.delivery.MessageContent content() throws IOException;

    /** Throws away a message that will not be accepted. Never fails. */
    void abort();
}
