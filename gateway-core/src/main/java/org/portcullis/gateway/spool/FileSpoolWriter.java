package org.portcullis.gateway.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.portcullis.gateway.envelope.Envelope;

/**
 * Streams one message into its file in incoming/. The content goes at a fixed offset through a
 * small buffer, so no message is ever held whole in memory; the header and the commit record
 * are written by {@link #commit()}, and the fsyncs happen on the spool's committer.
 * Not thread-safe: one session writes one message.
 */
final class FileSpoolWriter implements SpoolWriter {

    /** Per message being received: bounded heap, yet few system calls for small chunks. */
    static final int BUFFER_SIZE = 16 * 1024;

    private enum State { OPEN, COMMITTING, ABORTED, FAILED }

    private final FileSpool spool;
    private final Envelope envelope;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer;
    private long size;
    private long flushed;
    private volatile State state = State.OPEN;
    private IOException failure;

    FileSpoolWriter(FileSpool spool, Envelope envelope, FileChannel channel) {
        this.spool = spool;
        this.envelope = envelope;
        this.channel = channel;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        requireOpen();
        int length = bytes.remaining();
        crc.update(bytes.duplicate());
        try {
            if (buffer == null) {
                buffer = ByteBuffer.allocate(BUFFER_SIZE);
            }
            while (bytes.hasRemaining()) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int chunk = Math.min(buffer.remaining(), bytes.remaining());
                buffer.put(bytes.slice(bytes.position(), chunk));
                bytes.position(bytes.position() + chunk);
            }
        } catch (IOException e) {
            fail("write", e);
            throw e;
        }
        size += length;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public CompletableFuture<Void> commit() {
        return commit(SpoolState.ACTIVE);
    }

    @Override
    public CompletableFuture<Void> commitToHold() {
        return commit(SpoolState.HOLD);
    }

    @Override
    public org.portcullis.gateway.delivery.MessageContent content() throws IOException {
        requireOpen();
        try {
            flush();
        } catch (IOException e) {
            fail("write", e);
            throw e;
        }
        return new org.portcullis.gateway.delivery.MessageContent(
                spool.directory().file(SpoolState.INCOMING, envelope.queueId()), SpoolFileLayout.HEADER_SIZE, size);
    }

    private CompletableFuture<Void> commit(SpoolState target) {
        switch (state) {
            case OPEN -> {
            }
            case FAILED -> {
                return CompletableFuture.failedFuture(new IOException("message could not be spooled", failure));
            }
            default -> throw new IllegalStateException("commit() after " + state.name().toLowerCase());
        }
        long started = System.nanoTime();
        SpooledMessage message;
        try {
            flush();
            buffer = null;
            int contentCrc = (int) crc.getValue();
            long recordsStart = SpoolFileLayout.HEADER_SIZE + size;
            ByteBuffer commitRecord = SpoolRecords.commit(envelope, contentCrc);
            int recordLength = commitRecord.remaining();
            writeFully(commitRecord, recordsStart);
            writeFully(SpoolFileLayout.header(size), 0);
            message = new SpooledMessage(envelope, SpoolFileLayout.HEADER_SIZE, size, contentCrc,
                    Progress.initial(envelope.recipients().size()), recordsStart + recordLength);
        } catch (IOException e) {
            fail("commit", e);
            return CompletableFuture.failedFuture(e);
        }
        state = State.COMMITTING;
        return spool.committer().submit(message, channel, started, target);
    }

    /** Before commit: removes the file. Once commit has begun the message belongs to the spool. */
    @Override
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        buffer = null;
        spool.discard(envelope.queueId(), channel);
    }

    private void flush() throws IOException {
        if (buffer == null || buffer.position() == 0) {
            return;
        }
        buffer.flip();
        long at = SpoolFileLayout.HEADER_SIZE + flushed;
        int length = buffer.remaining();
        writeFully(buffer, at);
        flushed += length;
        buffer.clear();
    }

    private void writeFully(ByteBuffer bytes, long at) throws IOException {
        long position = at;
        while (bytes.hasRemaining()) {
            position += channel.write(bytes, position);
        }
    }

    private void requireOpen() throws IOException {
        if (state == State.FAILED) {
            throw new IOException("message could not be spooled", failure);
        }
        if (state != State.OPEN) {
            throw new IllegalStateException("write() after " + state.name().toLowerCase());
        }
    }

    private void fail(String stage, IOException e) {
        state = State.FAILED;
        failure = e;
        buffer = null;
        spool.writeFailed(envelope.queueId(), stage, e);
        spool.discard(envelope.queueId(), channel);
    }
}
