package org.portcullis.gateway.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Turns message data as the client sends it into the bytes the spool keeps: canonical CRLF
 * lines, and for DATA dot-unstuffed with the end-of-data line recognised.
 *
 * <p>Only CR LF "." CR LF ends DATA. A bare CR or a bare LF never ends a line for the purpose
 * of the end marker or of dot-unstuffing; it is normalised to CR LF in the output, so what the
 * gateway relays is canonical and cannot be read differently by a next hop (SMTP smuggling).
 * The decoder is streaming: it keeps only a few bits of state between calls, never a line.
 */
final class ContentDecoder {

    private final boolean dotStuffed;
    /** At the first byte of a line that began after a real CR LF (or at the start of data). */
    private boolean atLineStart = true;
    /** A '.' began the line; whether it is the end marker depends on what follows. */
    private boolean leadingDot;
    /** The previous byte was a CR not yet written: a CR LF, or a bare CR to normalise. */
    private boolean pendingCr;
    private long bareLineEnds;

    private ContentDecoder(boolean dotStuffed) {
        this.dotStuffed = dotStuffed;
    }

    /** For DATA: dot-stuffed, ended by CR LF "." CR LF. */
    static ContentDecoder forData() {
        return new ContentDecoder(true);
    }

    /** For BDAT: the bytes as they are, apart from bare CR and LF made into CR LF. */
    static ContentDecoder forChunks() {
        return new ContentDecoder(false);
    }

    /** How many bare CRs and LFs were normalised so far. */
    long bareLineEnds() {
        return bareLineEnds;
    }

    /**
     * Decodes bytes from {@code in} into {@code out}.
     *
     * @param limit decode at most this many bytes of {@code in} (BDAT counts exactly)
     * @return true when the end-of-data line was consumed (DATA only); the bytes after it stay in
     *         {@code in}
     */
    boolean decode(ByteBuf in, int limit, ByteBuf out) {
        int end = in.readerIndex() + Math.min(limit, in.readableBytes());
        while (in.readerIndex() < end) {
            if (!pendingCr && !leadingDot && !atLineStart) {
                copyPlainRun(in, end, out);
                if (in.readerIndex() >= end) {
                    break;
                }
            }
            byte b = in.readByte();
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    if (leadingDot) {
                        leadingDot = false;
                        atLineStart = true;
                        return true;
                    }
                    out.writeByte('\r').writeByte('\n');
                    atLineStart = true;
                    continue;
                }
                // A bare CR: the line goes on after a normalised line break.
                leadingDot = false;
                bareLineEnds++;
                out.writeByte('\r').writeByte('\n');
            }
            if (b == '\r') {
                pendingCr = true;
                atLineStart = false;
                continue;
            }
            if (b == '\n') {
                leadingDot = false;
                atLineStart = false;
                bareLineEnds++;
                out.writeByte('\r').writeByte('\n');
                continue;
            }
            if (atLineStart && dotStuffed && b == '.') {
                leadingDot = true;
                atLineStart = false;
                continue;
            }
            // Any other byte after a leading dot: the dot was stuffing and is dropped.
            leadingDot = false;
            atLineStart = false;
            out.writeByte(b);
        }
        return false;
    }

    /**
     * Ends chunked content (BDAT LAST): a CR left pending at the very end is a bare CR and is
     * normalised too.
     */
    void finish(ByteBuf out) {
        if (pendingCr) {
            pendingCr = false;
            bareLineEnds++;
            out.writeByte('\r').writeByte('\n');
        }
    }

    /** Copies bytes up to the next CR or LF in one go: most of a message is plain text. */
    private static void copyPlainRun(ByteBuf in, int end, ByteBuf out) {
        int start = in.readerIndex();
        int stop = in.forEachByte(start, end - start, ByteProcessor.FIND_CRLF);
        int length = (stop < 0 ? end : stop) - start;
        if (length > 0) {
            out.writeBytes(in, start, length);
            in.skipBytes(length);
        }
    }
}
