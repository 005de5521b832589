package org.portcullis.filter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One part of a message's MIME tree: the whole message is the root part. The tree is parsed
 * once per message, when a filter first asks for it, and shared by every filter; contents are
 * read as streams, never held whole.
 */
public interface MimePart {

    /**
     * Where the part is in the tree: {@code ""} for the root, {@code "1"}, {@code "1.2"} … for
     * children (1-based), as findings and mutations name parts.
     */
    String path();

    /** The declared content type ({@code text/plain} when none is given, as RFC 2045 says). */
    MediaType contentType();

    /** The part's own header fields. */
    Headers headers();

    /** The file name from Content-Disposition or Content-Type, decoded. */
    Optional<String> filename();

    /** Whether it is meant as an attachment: a disposition of attachment, or a file name. */
    boolean isAttachment();

    /** The child parts of a multipart, or of a message/rfc822 part; empty for a leaf. */
    List<MimePart> children();

    /**
     * The content with its transfer encoding (base64, quoted-printable, uuencode) removed; for a
     * multipart, its raw body. The caller closes the stream.
     */
    InputStream openDecoded() throws IOException;

    /** The size of the decoded content in bytes. */
    long decodedSize();

    default boolean isMultipart() {
        return !children().isEmpty();
    }

    /** This part and every part below it, depth first. */
    default Stream<MimePart> walk() {
        return Stream.concat(Stream.of(this), children().stream().flatMap(MimePart::walk));
    }

    /** The charset of a text part, when declared and known to the runtime. */
    default Optional<Charset> charset() {
        return contentType().parameter("charset").flatMap(name -> {
            try {
                return Optional.of(Charset.forName(name.strip()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }
}
