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

    /** Throws away a message that will not be accepted. Never fails. */
    void abort();
}
