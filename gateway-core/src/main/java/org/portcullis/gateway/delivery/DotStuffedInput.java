package org.portcullis.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The message as DATA sends it (RFC 5321 section 4.5.2), read from the spool file a chunk at a
 * time: a dot is added before every line that starts with one, and the data ends with
 * {@code CRLF.CRLF}. Only one chunk is in memory at a time, however large the message.
 */
final class DotStuffedInput implements ChunkedInput<ByteBuf> {

    static final int DEFAULT_CHUNK = 64 * 1024;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';

    private final FileChannel file;
    private final long end;
    private final long length;
    private final int chunkSize;
    private long position;
    private boolean lineStart = true;
    private boolean afterCr;
    private boolean terminated;
    private long produced;

    /** Takes ownership of the file channel: {@link #close()} closes it. */
    DotStuffedInput(FileChannel file, long offset, long length, int chunkSize) {
        this.file = file;
        this.position = offset;
        this.end = offset + length;
        this.length = length;
        this.chunkSize = chunkSize;
    }

    @Override
    public boolean isEndOfInput() {
        return terminated;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (terminated) {
            return null;
        }
        if (position >= end) {
            return terminator(allocator);
        }
        int want = (int) Math.min(chunkSize, end - position);
        ByteBuf raw = allocator.directBuffer(want);
        try {
            int read = 0;
            while (read < want) {
                int n = raw.writeBytes(file, position + read, want - read);
                if (n < 0) {
                    throw new IOException("spool file ended " + (end - position - read)
                            + " octets before the message's end");
                }
                read += n;
            }
            position += read;
            // Worst case ".\r\n" lines: one dot more per three octets.
            ByteBuf out = allocator.directBuffer(read + read / 3 + 8);
            stuff(raw, out);
            if (position >= end) {
                appendTerminator(out);
            }
            produced += out.readableBytes();
            return out;
        } finally {
            raw.release();
        }
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long progress() {
        return produced;
    }

    /** The message's own length; the stuffed length is known only at the end. */
    long messageLength() {
        return length;
    }

    private void stuff(ByteBuf in, ByteBuf out) {
        int runStart = in.readerIndex();
        int limit = in.writerIndex();
        for (int i = runStart; i < limit; i++) {
            byte b = in.getByte(i);
            if (lineStart && b == DOT) {
                out.writeBytes(in, runStart, i - runStart);
                out.writeByte(DOT);
                runStart = i;
            }
            lineStart = afterCr && b == LF;
            afterCr = b == CR;
        }
        out.writeBytes(in, runStart, limit - runStart);
    }

    private ByteBuf terminator(ByteBufAllocator allocator) {
        ByteBuf out = allocator.directBuffer(5);
        appendTerminator(out);
        produced += out.readableBytes();
        return out;
    }

    private void appendTerminator(ByteBuf out) {
        if (!lineStart) {
            // A message without a final line end still needs CRLF before the dot.
            out.writeByte(CR).writeByte(LF);
        }
        out.writeByte(DOT).writeByte(CR).writeByte(LF);
        terminated = true;
    }
}
