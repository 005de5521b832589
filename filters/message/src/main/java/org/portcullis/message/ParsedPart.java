package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MediaType;
import org.portcullis.filter.MimePart;

/**
 * One part of a {@link ParsedMessage}.
 *
 * <h2>Paths</h2>
 * <ul>
 *   <li>{@code ""} is the message itself.</li>
 *   <li>The parts of a multipart are its children, numbered from 1: {@code "1"}, {@code "2"};
 *       their children {@code "1.1"}, {@code "1.2"}, and so on at any depth.</li>
 *   <li>A message/rfc822 part has one child, the message it carries, with its own header:
 *       part {@code "2"} is the message/rfc822 part, {@code "2.1"} the enclosed message, and
 *       {@code "2.1.1"} the first part of that message if it is a multipart.</li>
 *   <li>Files uuencoded inside a text/plain part (or a part whose transfer encoding is
 *       x-uuencode) are children of that part named {@code u1}, {@code u2} … in the order they
 *       appear: {@code "1.u1"} is the first file inside the text of part {@code "1"}, and
 *       {@code "u1"} one inside a single-part message. Such a child has no header fields, the type
 *       application/octet-stream, the file name of its {@code begin} line, and counts as an
 *       attachment. The text part itself stays a leaf: {@link #isMultipart()} is false.</li>
 * </ul>
 *
 * <h2>Content</h2>
 * {@link #openDecoded()} of a leaf gives its content as decoded once at parse time (base64 and
 * quoted-printable removed), from memory or from the message's spill file, the same bytes on
 * every read. For a multipart or message/rfc822 part it gives the raw body, read again from
 * the message file on each call.
 */
public final class ParsedPart implements MimePart {

    /** Where a part's bytes come from. */
    sealed interface Body {
        record Stored(StoredContent content) implements Body {
        }

        record Raw(RawBodies reader, String path) implements Body {
        }
    }

    private final String path;
    private final MediaType contentType;
    private final Headers headers;
    private final Optional<String> filename;
    private final boolean attachment;
    private final Optional<String> transferEncoding;
    private final List<MimePart> parts;
    private final List<MimePart> files;
    private final Body body;
    private final boolean uuencoded;
    private volatile long rawSize = -1;

    ParsedPart(String path, MediaType contentType, Headers headers, Optional<String> filename, boolean attachment,
               Optional<String> transferEncoding, List<? extends MimePart> parts, List<? extends MimePart> files,
               Body body, boolean uuencoded) {
        this.path = Objects.requireNonNull(path, "path");
        this.contentType = contentType;
        this.headers = headers;
        this.filename = filename;
        this.attachment = attachment;
        this.transferEncoding = transferEncoding;
        this.parts = List.copyOf(parts);
        this.files = List.copyOf(files);
        this.body = body;
        this.uuencoded = uuencoded;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public MediaType contentType() {
        return contentType;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public Optional<String> filename() {
        return filename;
    }

    @Override
    public boolean isAttachment() {
        return attachment;
    }

    /** The MIME parts below this one, then the files uuencoded in its text. */
    @Override
    public List<MimePart> children() {
        if (files.isEmpty()) {
            return parts;
        }
        List<MimePart> all = new ArrayList<>(parts);
        all.addAll(files);
        return List.copyOf(all);
    }

    /** Whether this part holds MIME parts (a multipart, or a message/rfc822 with its message). */
    @Override
    public boolean isMultipart() {
        return !parts.isEmpty();
    }

    /** The files found uuencoded in this part's text (paths ending {@code u1}, {@code u2} …). */
    public List<MimePart> uuencodedFiles() {
        return files;
    }

    /** Whether this part is a file that was uuencoded in its parent's text. */
    public boolean isUuencoded() {
        return uuencoded;
    }

    /** The Content-Transfer-Encoding as declared (lower case), if any. */
    public Optional<String> transferEncoding() {
        return transferEncoding;
    }

    @Override
    public InputStream openDecoded() throws IOException {
        return switch (body) {
            case Body.Stored stored -> stored.content().open();
            case Body.Raw raw -> raw.reader().open(raw.path());
        };
    }

    @Override
    public long decodedSize() {
        return switch (body) {
            case Body.Stored stored -> stored.content().size();
            case Body.Raw raw -> rawSize(raw);
        };
    }

    private long rawSize(Body.Raw raw) {
        long size = rawSize;
        if (size < 0) {
            try (InputStream in = raw.reader().open(raw.path())) {
                size = in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read part " + path + " again from the message file", e);
            }
            rawSize = size;
        }
        return size;
    }

    @Override
    public String toString() {
        return "part " + (path.isEmpty() ? "(root)" : path) + " " + contentType.baseType()
                + filename.map(n -> " \"" + n + "\"").orElse("");
    }
}
