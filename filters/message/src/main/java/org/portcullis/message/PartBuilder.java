package org.portcullis.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.RawField;
import org.portcullis.filter.Header;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MediaType;

/** One part while the parser is inside it: its fields so far, then its content or its children. */
final class PartBuilder {

    final String path;
    final int depth;
    /** Left out of the tree (past the part limit): read through, not kept. */
    final boolean ignored;
    private final MediaType parentType;
    private final List<Header> fields = new ArrayList<>();
    private final List<ParsedPart> children = new ArrayList<>();
    private final List<ParsedPart> files = new ArrayList<>();
    private RawField contentType;
    private RawField disposition;
    private String transferEncoding;
    private long headerBytes;
    private boolean headerCut;
    private ContentHeaders content;
    private StoredContent body;

    PartBuilder(String path, int depth, boolean ignored, MediaType parentType) {
        this.path = path;
        this.depth = depth;
        this.ignored = ignored;
        this.parentType = parentType;
    }

    /** Keeps a field unless the header section is over its limit; says whether that just happened. */
    boolean addField(Field field, ParseNotes notes, int maxHeaderSection) {
        long size = field.getRaw() == null ? field.getName().length() + field.getBody().length() : field.getRaw().length();
        headerBytes += size + 2;
        if (headerBytes > maxHeaderSection) {
            boolean first = !headerCut;
            headerCut = true;
            return first;
        }
        fields.add(HeaderFields.toHeader(field, notes));
        String name = field.getNameLowerCase();
        if (field instanceof RawField raw) {
            if (name.equals("content-type") && contentType == null) {
                contentType = raw;
            } else if (name.equals("content-disposition") && disposition == null) {
                disposition = raw;
            }
        }
        if (name.equals("content-transfer-encoding") && transferEncoding == null) {
            transferEncoding = field.getBody().strip().toLowerCase(Locale.ROOT);
        }
        return false;
    }

    /** Reads Content-Type and Content-Disposition once the header section is complete. */
    ContentHeaders content(ParseNotes notes) {
        if (content == null) {
            content = ContentHeaders.of(contentType, disposition, parentType, notes, path);
        }
        return content;
    }

    /** Whether mime4j will go into this part: a multipart with a boundary, or a message/rfc822. */
    boolean isContainer(ParseNotes notes) {
        MediaType type = content(notes).contentType();
        return type.type().equals("multipart") || type.is("message/rfc822");
    }

    Optional<String> transferEncoding() {
        return Optional.ofNullable(transferEncoding);
    }

    void body(StoredContent content) {
        this.body = content;
    }

    void addChild(ParsedPart child) {
        children.add(child);
    }

    void addFile(ParsedPart file) {
        files.add(file);
    }

    /** The fields kept so far. */
    Headers headers() {
        return Headers.of(fields);
    }

    ParsedPart build(ParseNotes notes, RawBodies rawBodies) {
        ContentHeaders c = content(notes);
        ParsedPart.Body source;
        if (body != null) {
            source = new ParsedPart.Body.Stored(body);
        } else if (isContainer(notes)) {
            source = new ParsedPart.Body.Raw(rawBodies, path);
        } else {
            // The parse stopped before this part's body.
            source = new ParsedPart.Body.Stored(StoredContent.EMPTY);
        }
        return new ParsedPart(path, c.contentType(), Headers.of(fields), c.filename(), c.isAttachment(),
                Optional.ofNullable(transferEncoding), children, files, source, false);
    }
}
