package org.portcullis.gateway.smtp;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.portcullis.gateway.spool.SpoolWriter;

/**
 * Feeds one message's decoded content into its spool writer, enforcing the message size and
 * header section limits as the bytes arrive. Once a limit trips or the spool fails, the rest
 * of the content is read and dropped, so the client can be answered after its end of data.
 */
final class MessageReceiver {

    /** What became of the message while it was received. */
    enum Failure { NONE, TOO_BIG, HEADER_TOO_BIG, SPOOL_FAILED }

    private final SpoolWriter writer;
    private final long maxSize;
    private final long maxHeaderSize;
    private long received;
    /** Header section still going on; counts its bytes until the empty line. */
    private boolean inHeader = true;
    private long headerBytes;
    /** The last bytes seen, to find CR LF CR LF across chunk boundaries. */
    private int tail;
    private Failure failure = Failure.NONE;
    private IOException spoolError;
    private boolean aborted;

    MessageReceiver(SpoolWriter writer, long maxSize, long maxHeaderSize) {
        this.writer = writer;
        this.maxSize = maxSize;
        this.maxHeaderSize = maxHeaderSize;
    }

    /** Writes the gateway's own header (Received) ahead of the client's content. */
    void prepend(String header) {
        write(ByteBuffer.wrap(header.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Takes one piece of content and releases it. */
    void accept(ByteBuf content) {
        try {
            int length = content.readableBytes();
            received += length;
            if (failure != Failure.NONE) {
                return;
            }
            if (received > maxSize) {
                fail(Failure.TOO_BIG);
                return;
            }
            if (inHeader && !scanHeader(content)) {
                fail(Failure.HEADER_TOO_BIG);
                return;
            }
            for (ByteBuffer piece : content.nioBuffers()) {
                write(piece);
                if (failure != Failure.NONE) {
                    return;
                }
            }
        } finally {
            content.release();
        }
    }

    /** @return false when the header section grew past its limit */
    private boolean scanHeader(ByteBuf content) {
        int start = content.readerIndex();
        int end = content.writerIndex();
        for (int i = start; i < end; i++) {
            tail = (tail << 8) | (content.getByte(i) & 0xff);
            headerBytes++;
            // The header ends at the first empty line, or at once when the content begins with one.
            if (tail == 0x0d0a0d0a || (headerBytes == 2 && (tail & 0xffff) == 0x0d0a)) {
                inHeader = false;
                return true;
            }
            if (headerBytes > maxHeaderSize) {
                return false;
            }
        }
        return true;
    }

    private void write(ByteBuffer bytes) {
        if (failure != Failure.NONE) {
            return;
        }
        try {
            writer.write(bytes);
        } catch (IOException e) {
            spoolError = e;
            fail(Failure.SPOOL_FAILED);
        }
    }

    private void fail(Failure reason) {
        failure = reason;
        abort();
    }

    /** Throws the message away; harmless when already done. */
    void abort() {
        if (!aborted) {
            aborted = true;
            writer.abort();
        }
    }

    Failure failure() {
        return failure;
    }

    /** Why the spool failed, when {@link #failure()} is {@link Failure#SPOOL_FAILED}. */
    IOException spoolError() {
        return spoolError;
    }

    /** Content bytes received from the client so far (the gateway's own header not counted). */
    long received() {
        return received;
    }

    SpoolWriter writer() {
        return writer;
    }
}
