package org.portcullis.message;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.MimeParameterMapping;
import org.portcullis.filter.MediaType;

/**
 * What a part's Content-Type and Content-Disposition say: the media type (with RFC 2231
 * parameters joined and decoded by mime4j), the disposition and the file name.
 */
record ContentHeaders(MediaType contentType, Optional<String> disposition, Optional<String> filename) {

    private static final MediaType MESSAGE_RFC822 = new MediaType("message", "rfc822", Map.of());

    /**
     * @param contentType     the part's first Content-Type field, or null
     * @param disposition     the part's first Content-Disposition field, or null
     * @param parentType      the enclosing multipart's type, or null (digest parts default to message/rfc822)
     * @param notes           where a broken Content-Type is noted
     */
    static ContentHeaders of(RawField contentType, RawField disposition, MediaType parentType,
                             ParseNotes notes, String path) {
        MediaType fallback = parentType != null && parentType.is("multipart/digest") ? MESSAGE_RFC822 : MediaType.TEXT_PLAIN;
        MediaType type = contentType == null ? fallback : mediaType(contentType, fallback, notes, path);
        Optional<String> dispositionType = Optional.empty();
        Optional<String> filename = Optional.empty();
        if (disposition != null) {
            Parsed d = parse(disposition);
            dispositionType = Optional.of(d.value().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty());
            filename = Optional.ofNullable(d.parameters().get("filename"));
        }
        if (filename.isEmpty() || filename.get().isBlank()) {
            filename = type.parameter("name");
        }
        return new ContentHeaders(type, dispositionType, filename.map(String::strip).filter(n -> !n.isEmpty()));
    }

    boolean isAttachment() {
        return disposition.filter("attachment"::equals).isPresent() || filename.isPresent();
    }

    private static MediaType mediaType(RawField field, MediaType fallback, ParseNotes notes, String path) {
        Parsed parsed = parse(field);
        String value = parsed.value().strip().toLowerCase(Locale.ROOT);
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            notes.malformed(path, "Content-Type \"" + value + "\" is not type/subtype; read as " + fallback.baseType());
            return fallback;
        }
        MediaType type = new MediaType(value.substring(0, slash).strip(), value.substring(slash + 1).strip(), parsed.parameters());
        // mime4j reads a multipart without a boundary as text/plain; say the same, so the tree matches its parse.
        if (type.type().equals("multipart") && type.parameter("boundary").isEmpty()) {
            notes.malformed(path, type.baseType() + " without a boundary; read as text/plain");
            return MediaType.TEXT_PLAIN;
        }
        return type;
    }

    private record Parsed(String value, Map<String, String> parameters) {
    }

    private static Parsed parse(RawField field) {
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(field);
        MimeParameterMapping mapping = new MimeParameterMapping();
        for (NameValuePair pair : body.getParams()) {
            if (pair.getValue() != null) {
                mapping.addParameter(pair.getName(), RawText.fromLatin1Chars(pair.getValue()));
            }
        }
        return new Parsed(body.getValue() == null ? "" : body.getValue(), mapping.getParameters());
    }
}
