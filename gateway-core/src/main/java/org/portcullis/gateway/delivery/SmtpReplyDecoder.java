package org.portcullis.gateway.delivery;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes from a next hop into {@link SmtpReply} values: {@code 250-first\r\n250 last\r\n} is one
 * reply of two lines. A line ends at LF (a CR before it is dropped), since some servers send
 * bare LF. A hop that sends something that is no reply, or more than the limits below, breaks
 * the session: a {@link DecoderException}, which the connection turns into a lost connection.
 */
final class SmtpReplyDecoder extends ByteToMessageDecoder {

    /** RFC 5321 allows 512 octets per reply line; real servers go a little over. */
    static final int MAX_LINE = 4096;

    /** Generous for EHLO replies, which list one extension per line. */
    static final int MAX_LINES = 200;

    private final List<String> lines = new ArrayList<>();
    private int code = -1;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (eol < 0) {
                if (in.readableBytes() > MAX_LINE) {
                    throw new DecoderException("reply line longer than " + MAX_LINE + " octets");
                }
                return;
            }
            int length = eol - in.readerIndex();
            if (length > MAX_LINE) {
                throw new DecoderException("reply line longer than " + MAX_LINE + " octets");
            }
            int end = length > 0 && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
            String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.UTF_8);
            in.readerIndex(eol + 1);
            SmtpReply reply = line(line);
            if (reply != null) {
                out.add(reply);
            }
        }
    }

    private SmtpReply line(String line) {
        if (line.length() < 3 || !isCode(line) || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            throw new DecoderException("not an SMTP reply: " + printable(line));
        }
        int lineCode = Integer.parseInt(line.substring(0, 3));
        if (code >= 0 && lineCode != code) {
            throw new DecoderException("reply code changed within a reply: " + printable(line));
        }
        code = lineCode;
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (lines.size() > MAX_LINES) {
            throw new DecoderException("reply of more than " + MAX_LINES + " lines");
        }
        boolean last = line.length() == 3 || line.charAt(3) == ' ';
        if (!last) {
            return null;
        }
        SmtpReply reply = new SmtpReply(code, lines, true);
        lines.clear();
        code = -1;
        return reply;
    }

    /**
     * Drops whatever arrived but was not yet decoded. Called on the event loop right before TLS
     * starts: bytes sent in clear after the 220 to STARTTLS are an injection attempt (CVE-2011-0411
     * style) and must never be read as if they came through TLS.
     *
     * @return how many octets were dropped
     */
    int discardBuffered() {
        int dropped = lines.isEmpty() ? 0 : 1;
        lines.clear();
        code = -1;
        ByteBuf buffered = internalBuffer();
        int readable = buffered.readableBytes();
        buffered.skipBytes(readable);
        return dropped + readable;
    }

    private static boolean isCode(String line) {
        char a = line.charAt(0);
        char b = line.charAt(1);
        char c = line.charAt(2);
        return a >= '2' && a <= '5' && b >= '0' && b <= '9' && c >= '0' && c <= '9';
    }

    private static String printable(String line) {
        String cut = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }
}
