package org.portcullis.message;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.stream.FieldBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;

/** The one mime4j set-up shared by the parser, the raw-body reader and the rewriter, so they see the same tree. */
final class TokenStreams {

    private TokenStreams() {
    }

    static MimeTokenStream create(MessageLimits limits, DecodeMonitor monitor, FieldBuilder fields) {
        MimeConfig config = MimeConfig.custom()
                .setStrictParsing(false)
                .setMalformedHeaderStartsBody(false)
                // A header line or field longer than a whole header section may be is where the tree is cut.
                .setMaxLineLen(limits.maxHeaderSection())
                .setMaxHeaderLen(limits.maxHeaderSection())
                // Counted by the parser itself, which keeps the first fields and goes on.
                .setMaxHeaderCount(-1)
                .setMaxContentLen(-1)
                .build();
        return new MimeTokenStream(config, monitor, fields, null);
    }
}
