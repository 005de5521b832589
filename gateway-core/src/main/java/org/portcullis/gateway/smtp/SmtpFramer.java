package org.portcullis.gateway.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Cuts the client's byte stream into {@link SmtpInput}s for the session: command lines that end
 * with CR LF and nothing else, DATA content up to CR LF "." CR LF, and BDAT chunks of exactly
 * the announced size.
 *
 * <p>The session drives the mode ({@link #expectData}, {@link #expectChunk}) and may
 * {@link #pause} the framer while it waits for something slow (the spool's fsync, a password
 * check); until {@link #resume}, further input stays buffered and the socket is not read, so a
 * pipelining client is answered strictly in order. Bytes the client pipelined behind STARTTLS
 * are thrown away with {@link #discardBuffered} before the TLS handshake.
 */
final class SmtpFramer extends ChannelInboundHandlerAdapter {

    private enum Mode { COMMAND, DATA, CHUNK }

    private final int maxLineLength;
    private ChannelHandlerContext ctx;
    private ByteBuf buffer;
    private Mode mode = Mode.COMMAND;
    private boolean paused;
    private ContentDecoder content;
    private long chunkRemaining;
    /** How far the current command line has been searched for its CR LF. */
    private int scanned;
    private SmtpInput.Reason lineFault;
    private boolean discardingLongLine;

    /** @param maxLineLength the longest command line accepted, CR LF included */
    SmtpFramer(int maxLineLength) {
        this.maxLineLength = maxLineLength;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The next bytes are DATA content, up to the end-of-data line, decoded by {@code decoder}. */
    void expectData(ContentDecoder decoder) {
        mode = Mode.DATA;
        content = decoder;
    }

    /** The next {@code size} bytes (more than zero) are one BDAT chunk, decoded by {@code decoder}. */
    void expectChunk(long size, ContentDecoder decoder) {
        if (size <= 0) {
            throw new IllegalArgumentException("an empty chunk needs no framing");
        }
        mode = Mode.CHUNK;
        chunkRemaining = size;
        content = decoder;
    }

    /** Stops handing on input until {@link #resume}; the socket is not read meanwhile. */
    void pause() {
        paused = true;
        ctx.channel().config().setAutoRead(false);
    }

    /** Hands on what was buffered meanwhile and reads the socket again. Event loop only. */
    void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        ctx.channel().config().setAutoRead(true);
        process();
        ctx.fireChannelReadComplete();
    }

    /** Throws away everything received but not yet handed on; returns how many bytes. */
    int discardBuffered() {
        int dropped = buffer == null ? 0 : buffer.readableBytes();
        releaseBuffer();
        scanned = 0;
        lineFault = null;
        discardingLongLine = false;
        return dropped;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (buffer == null || !buffer.isReadable()) {
            releaseBuffer();
            buffer = bytes;
        } else {
            buffer.writeBytes(bytes);
            bytes.release();
        }
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!paused) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseBuffer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseBuffer();
        ctx.fireChannelInactive();
    }

    private void process() {
        while (!paused && buffer != null && buffer.isReadable() && ctx.channel().isActive()) {
            boolean progressed = switch (mode) {
                case COMMAND -> nextLine();
                case DATA -> nextData();
                case CHUNK -> nextChunk();
            };
            if (!progressed) {
                break;
            }
        }
        if (buffer != null && !buffer.isReadable()) {
            releaseBuffer();
        } else if (buffer != null && buffer.readerIndex() > 0 && buffer.writableBytes() < 512) {
            buffer.discardReadBytes();
        }
    }

    /** @return false when the line is not complete yet */
    private boolean nextLine() {
        while (true) {
            int start = buffer.readerIndex();
            int available = buffer.readableBytes();
            int limit = discardingLongLine ? available : Math.min(available, maxLineLength);
            int lf = scanned < limit ? buffer.indexOf(start + scanned, start + limit, (byte) '\n') : -1;
            if (lf < 0) {
                if (!discardingLongLine && available < maxLineLength) {
                    scanned = available;
                    return false;
                }
                // Too long: drop it, and keep dropping up to the line's CR LF. The last byte
                // stays, as it may be the CR of that CR LF.
                discardingLongLine = true;
                if (limit < available) {
                    buffer.skipBytes(limit - 1);
                    scanned = 1;
                    continue;
                }
                buffer.skipBytes(available - 1);
                scanned = 1;
                return false;
            }
            int end = lf - start;
            if (end == 0 || buffer.getByte(lf - 1) != '\r') {
                lineFault = SmtpInput.Reason.BARE_LINE_END;
                scanned = end + 1;
                continue;
            }
            return emitLine(start, end);
        }
    }

    /** The line is {@code length} bytes from {@code start}, its CR LF ending at start+length. */
    private boolean emitLine(int start, int lengthWithCr) {
        SmtpInput input;
        if (discardingLongLine) {
            input = new SmtpInput.Refused(SmtpInput.Reason.LINE_TOO_LONG);
        } else if (lineFault != null) {
            input = new SmtpInput.Refused(lineFault);
        } else {
            input = decodeLine(start, lengthWithCr - 1);
        }
        buffer.skipBytes(lengthWithCr + 1);
        scanned = 0;
        lineFault = null;
        discardingLongLine = false;
        ctx.fireChannelRead(input);
        return true;
    }

    private SmtpInput decodeLine(int start, int length) {
        if (buffer.indexOf(start, start + length, (byte) '\r') >= 0) {
            return new SmtpInput.Refused(SmtpInput.Reason.BARE_LINE_END);
        }
        if (buffer.indexOf(start, start + length, (byte) 0) >= 0) {
            return new SmtpInput.Refused(SmtpInput.Reason.BAD_CHARACTER);
        }
        ByteBuffer bytes = buffer.nioBufferCount() == 1 ? buffer.nioBuffer(start, length)
                : ByteBuffer.wrap(io.netty.buffer.ByteBufUtil.getBytes(buffer, start, length));
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
            return new SmtpInput.Line(text);
        } catch (CharacterCodingException e) {
            return new SmtpInput.Refused(SmtpInput.Reason.BAD_CHARACTER);
        }
    }

    private boolean nextData() {
        ByteBuf out = ctx.alloc().buffer(buffer.readableBytes() + 2);
        boolean ended = content.decode(buffer, buffer.readableBytes(), out);
        emitContent(out);
        if (ended) {
            mode = Mode.COMMAND;
            content = null;
            ctx.fireChannelRead(new SmtpInput.ContentEnd(false));
        }
        return true;
    }

    private boolean nextChunk() {
        int take = (int) Math.min(chunkRemaining, buffer.readableBytes());
        ByteBuf out = ctx.alloc().buffer(take + 2);
        content.decode(buffer, take, out);
        chunkRemaining -= take;
        emitContent(out);
        if (chunkRemaining == 0) {
            mode = Mode.COMMAND;
            content = null;
            ctx.fireChannelRead(new SmtpInput.ContentEnd(true));
        }
        return true;
    }

    private void emitContent(ByteBuf out) {
        if (out.isReadable()) {
            ctx.fireChannelRead(new SmtpInput.Content(out));
        } else {
            out.release();
        }
    }

    private void releaseBuffer() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
