package org.portcullis.filter;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;

/**
 * A whole message at the end of DATA: its envelope, its header section and its MIME tree, all
 * read-only and shared by every filter of the chain.
 */
public interface MessageView {

    Envelope envelope();

    /** The message's top-level header fields. */
    Headers headers();

    /** The root of the MIME tree (the message itself). */
    MimePart root();

    /** The message's size in bytes as received. */
    long size();

    /** The message exactly as received (CRLF line ends, no dot-stuffing). The caller closes it. */
    InputStream openRaw() throws IOException;

    /** Every part, depth first, the root first. */
    default Stream<MimePart> parts() {
        return root().walk();
    }

    /** The leaf parts meant as attachments. */
    default Stream<MimePart> attachments() {
        return parts().filter(p -> !p.isMultipart() && p.isAttachment());
    }
}
