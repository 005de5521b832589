package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.Base64OutputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableOutputStream;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mime4j.util.MimeUtil;
import org.portcullis.filter.Mutation;

/**
 * Writes a message again from mime4j's tokens, changing only what the plan says. A part with
 * no change at or below it is copied as mime4j read it: its header fields byte for byte and its
 * body raw, multipart boundaries, preamble and epilogue included. Only the multiparts on the way
 * to a replaced part are written token by token: their delimiter lines come out canonical
 * ({@code --boundary} and CRLF, padding dropped) and a missing closing delimiter is supplied.
 */
final class TreeWriter {

    /** One entity being written. */
    private static final class Frame {
        final String path;
        final OutputStream out;
        final List<Field> fields = new ArrayList<>();
        String boundary;
        boolean wroteBody;
        boolean closed;
        boolean copyBody;
        /** The body of a message/rfc822 part that is itself base64 or quoted-printable encoded. */
        OutputStream encodedBody;

        Frame(String path, OutputStream out) {
            this.path = path;
            this.out = out;
        }

        OutputStream bodyOut() {
            return encodedBody != null ? encodedBody : out;
        }
    }

    private final RewritePlan plan;
    private final MessageLimits limits;
    private final PathTracker paths = new PathTracker();
    private final Deque<Frame> frames = new ArrayDeque<>();

    TreeWriter(RewritePlan plan, MessageLimits limits) {
        this.plan = plan;
        this.limits = limits;
    }

    void write(InputStream in, OutputStream out) throws IOException {
        MimeTokenStream tokens = TokenStreams.create(limits, DecodeMonitor.SILENT, null);
        tokens.parse(in);
        try {
            for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM; state = tokens.next()) {
                step(tokens, state, out);
            }
        } catch (MimeException | MaxLineLimitException e) {
            // Where the parser cut the tree: the rest of the message is beyond what any mutation names.
            throw new IOException("the message cannot be read again where its parse was cut: " + e.getMessage(), e);
        }
    }

    private void step(MimeTokenStream tokens, EntityState state, OutputStream out) throws IOException {
        switch (state) {
            case T_START_MESSAGE, T_START_BODYPART -> start(out);
            case T_FIELD -> frames.peek().fields.add(tokens.getField());
            case T_END_HEADER -> endHeader(tokens);
            case T_START_MULTIPART -> frames.peek().boundary = tokens.getBodyDescriptor().getBoundary();
            case T_PREAMBLE -> {
                Frame frame = frames.peek();
                copy(tokens.getInputStream(), frame.bodyOut());
                frame.wroteBody = true;
            }
            case T_EPILOGUE -> {
                Frame frame = frames.peek();
                closeDelimiter(frame);
                copy(tokens.getInputStream(), frame.bodyOut());
            }
            case T_END_MULTIPART -> closeDelimiter(frames.peek());
            case T_BODY -> {
                tokens.setRecursionMode(RecursionMode.M_RECURSE);
                Frame frame = frames.peek();
                if (frame.copyBody) {
                    copy(tokens.getInputStream(), frame.out);
                }
            }
            case T_END_MESSAGE, T_END_BODYPART -> end();
            default -> {
            }
        }
    }

    private void start(OutputStream top) throws IOException {
        Frame parent = frames.peek();
        String path = paths.enter();
        OutputStream out = top;
        if (parent != null) {
            out = parent.bodyOut();
            if (parent.boundary != null) {
                ascii(out, (parent.wroteBody ? "\r\n" : "") + "--" + parent.boundary + "\r\n");
                parent.wroteBody = true;
            }
        }
        frames.push(new Frame(path, out));
    }

    private void endHeader(MimeTokenStream tokens) throws IOException {
        Frame frame = frames.peek();
        HeaderSection header = HeaderSection.of(frame.fields);
        boolean root = frame.path.isEmpty();
        if (root) {
            plan.headerEdits().forEach(header::apply);
        }
        Mutation.ReplacePart replacement = plan.parts().get(frame.path);
        if (root && plan.newBody().isPresent()) {
            header.writeTo(frame.out);
            try (InputStream body = plan.newBody().get().open()) {
                body.transferTo(frame.out);
            }
            tokens.setRecursionMode(RecursionMode.M_FLAT);
        } else if (replacement != null) {
            PartEncoder.describe(header, replacement.contentType());
            if (root && !header.contains("MIME-Version")) {
                header.add("MIME-Version", "1.0");
            }
            header.writeTo(frame.out);
            PartEncoder.writeContent(replacement.contentType(), replacement.content(), frame.out);
            tokens.setRecursionMode(RecursionMode.M_FLAT);
        } else if (!plan.replacesWithin(frame.path)) {
            header.writeTo(frame.out);
            frame.copyBody = true;
            tokens.setRecursionMode(RecursionMode.M_FLAT);
        } else {
            header.writeTo(frame.out);
            frame.encodedBody = encoderFor(frame);
        }
    }

    /** A message/rfc822 part with a transfer encoding gets its rewritten message encoded the same way. */
    private static OutputStream encoderFor(Frame frame) {
        boolean message = frame.fields.stream().filter(f -> f.getName().equalsIgnoreCase("Content-Type")).findFirst()
                .map(f -> f.getBody().strip().toLowerCase(java.util.Locale.ROOT).startsWith("message/rfc822"))
                .orElse(false);
        if (!message) {
            return null;
        }
        String encoding = frame.fields.stream().filter(f -> f.getName().equalsIgnoreCase("Content-Transfer-Encoding"))
                .map(f -> f.getBody().strip()).findFirst().orElse("");
        if (MimeUtil.isBase64Encoding(encoding)) {
            return new Base64OutputStream(frame.out);
        }
        if (MimeUtil.isQuotedPrintableEncoded(encoding)) {
            return new QuotedPrintableOutputStream(frame.out, false);
        }
        return null;
    }

    private void closeDelimiter(Frame frame) throws IOException {
        if (frame.boundary != null && !frame.closed) {
            ascii(frame.bodyOut(), (frame.wroteBody ? "\r\n" : "") + "--" + frame.boundary + "--\r\n");
            frame.closed = true;
        }
    }

    private void end() throws IOException {
        paths.leave();
        Frame frame = frames.pop();
        if (frame.encodedBody != null) {
            frame.encodedBody.close();
        }
    }

    /** Copies one of mime4j's content streams, which belong to the token stream and stay open. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        in.transferTo(out);
    }

    private static void ascii(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.US_ASCII));
    }
}
