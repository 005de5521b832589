package org.portcullis.message;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Reads the body of a multipart or message/rfc822 part again from the message file: the parser
 * keeps only leaf contents, and a container's body is rarely wanted. Parts off the way to the
 * wanted one are skipped without being parsed.
 */
final class RawBodies {

    private final MessageSource source;
    private final MessageLimits limits;

    RawBodies(MessageSource source, MessageLimits limits) {
        this.source = source;
        this.limits = limits;
    }

    /** The body of the part at {@code path}, transfer encoding removed; empty if there is no such part. */
    InputStream open(String path) throws IOException {
        InputStream in = source.open();
        try {
            MimeTokenStream tokens = TokenStreams.create(limits, DecodeMonitor.SILENT, null);
            tokens.parse(in);
            PathTracker paths = new PathTracker();
            for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM; state = tokens.next()) {
                switch (state) {
                    case T_START_MESSAGE, T_START_BODYPART -> paths.enter();
                    case T_END_MESSAGE, T_END_BODYPART -> paths.leave();
                    case T_END_HEADER -> {
                        boolean target = paths.current().equals(path);
                        if (target || !PathTracker.isWithin(path, paths.current())) {
                            tokens.setRecursionMode(RecursionMode.M_FLAT);
                        }
                        if (target) {
                            tokens.next();
                            return new Closing(tokens.getDecodedInputStream(), in);
                        }
                    }
                    case T_BODY -> tokens.setRecursionMode(RecursionMode.M_RECURSE);
                    default -> {
                    }
                }
            }
        } catch (MimeException | MaxLineLimitException e) {
            // Past where the parser cut the tree: no part of the tree lies there.
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        in.close();
        return InputStream.nullInputStream();
    }

    /** The body stream, closing the message file with it. */
    private static final class Closing extends FilterInputStream {
        private final InputStream file;

        Closing(InputStream body, InputStream file) {
            super(body);
            this.file = file;
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
