package org.portcullis.message;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.Mutation;

/**
 * Applies the chain's mutations, in order, to a message and writes the new message, streaming
 * from the original (never whole in memory), with CRLF line ends.
 *
 * <ul>
 *   <li>Header mutations change the message's top-level header section. Fields they add or
 *       change are written anew: non-ASCII words as RFC 2047 encoded words (UTF-8), folded at
 *       78 characters; every other field keeps its bytes.</li>
 *   <li>{@link Mutation.ReplaceBody} replaces everything after the header section as given.</li>
 *   <li>{@link Mutation.ReplacePart} replaces one part: its Content-* fields give way to the new
 *       Content-Type and a Content-Transfer-Encoding (quoted-printable for text, base64 for other
 *       types); its other fields stay. Every part not on the way to a replaced part keeps its
 *       bytes exactly, and with header mutations only, the whole body does.</li>
 *   <li>Envelope mutations are returned in {@link RewriteResult#envelope()} for the caller.</li>
 * </ul>
 *
 * A mutation that cannot apply (a part that does not exist, one inside a part already replaced)
 * is skipped and listed in {@link RewriteResult#notApplied()}.
 */
public final class MessageRewriter {

    private static final int WRITE_BUFFER = 64 * 1024;

    private final MessageLimits limits;

    /** A rewriter reading messages with the default limits. */
    public MessageRewriter() {
        this(MessageLimits.DEFAULTS);
    }

    /** @param limits the limits the message was parsed with, so that part paths agree */
    public MessageRewriter(MessageLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Writes the message with the mutations applied to {@code out}, which stays open.
     *
     * @throws IOException when the message cannot be read or written, or when the message's
     *                     header could not be read through at parse time (a {@code mime.limit}
     *                     problem saying parsing stopped), which leaves nothing sound to rewrite
     */
    public RewriteResult rewrite(MessageView message, List<Mutation> mutations, OutputStream out) throws IOException {
        RewritePlan plan = RewritePlan.of(message, mutations);
        OutputStream buffered = new BufferedOutputStream(new NonClosing(out), WRITE_BUFFER);
        try (Crlf lines = new Crlf(buffered); InputStream in = message.openRaw()) {
            if (plan.changesBytes()) {
                new TreeWriter(plan, limits).write(in, lines);
            } else {
                in.transferTo(lines);
            }
        }
        buffered.flush();
        return new RewriteResult(plan.envelope(), plan.notApplied(), plan.changesBytes());
    }

    /** Writes the new message to {@code target} (replacing it) and forces it to disk. */
    public RewriteResult rewrite(MessageView message, List<Mutation> mutations, Path target) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(target, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            RewriteResult result = rewrite(message, mutations, out);
            channel.force(true);
            return result;
        }
    }

    /**
     * The value of a field this rewriter writes anew ({@link Mutation.AddHeader} and the like),
     * exactly as it writes it after {@code name:}: non-ASCII words as RFC 2047 encoded words,
     * folded with CRLF and a space to fit 78 columns, starting with the space after the colon.
     * For a gateway that hands the change to another MTA (the milter server) rather than
     * writing the message itself, so the bytes come out the same.
     */
    public static String fieldValue(String name, String value) {
        return new String(HeaderEncoding.field(name, value), java.nio.charset.StandardCharsets.US_ASCII)
                .substring(name.length() + 1);
    }

    /** Only the envelope mutations of a list, for a caller that writes no message. */
    public static EnvelopeChanges envelopeChanges(List<Mutation> mutations) {
        return new EnvelopeChanges(mutations.stream().filter(EnvelopeChanges::isEnvelopeChange).toList());
    }

    /** Keeps the caller's stream open when the layers above it are closed. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
