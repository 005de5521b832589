package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.james.mime4j.codec.Base64OutputStream;
import org.apache.james.mime4j.codec.QuotedPrintableOutputStream;
import org.portcullis.filter.ContentSource;
import org.portcullis.filter.MediaType;

/**
 * Encodes new content of a part for transport: quoted-printable for text (its lines CRLF),
 * base64 for anything else, 8bit for a multipart or message body given whole (those may not be
 * encoded, RFC 2045 6.4). Writes the Content-Type and Content-Transfer-Encoding that say so.
 */
final class PartEncoder {

    private static final String TSPECIALS = "()<>@,;:\\\"/[]?= \t";

    private PartEncoder() {
    }

    static String transferEncoding(MediaType type) {
        if (type.type().equals("multipart") || type.type().equals("message")) {
            return "8bit";
        }
        return type.type().equals("text") ? "quoted-printable" : "base64";
    }

    /** Replaces the section's Content-* fields with the new type and encoding. */
    static void describe(HeaderSection section, MediaType type) {
        section.removeContentFields();
        section.add("Content-Type", contentType(type));
        section.add("Content-Transfer-Encoding", transferEncoding(type));
    }

    /**
     * Writes the encoded content. No line end is added: the CRLF before the next boundary
     * belongs to the boundary, so the decoded content comes back exactly as given.
     */
    static void writeContent(MediaType type, ContentSource content, OutputStream out) throws IOException {
        try (InputStream in = content.open()) {
            switch (transferEncoding(type)) {
                case "quoted-printable" -> {
                    OutputStream qp = new QuotedPrintableOutputStream(out, false);
                    try (Crlf text = new Crlf(qp)) {
                        in.transferTo(text);
                    }
                    qp.close();
                }
                case "base64" -> {
                    OutputStream b64 = new Base64OutputStream(out);
                    in.transferTo(b64);
                    b64.close();
                }
                default -> {
                    Crlf lines = new Crlf(out);
                    in.transferTo(lines);
                    lines.close();
                }
            }
        }
    }

    /** {@code type/subtype; charset=…; name=…}: charset first, the rest by name; RFC 2231 for non-ASCII values. */
    static String contentType(MediaType type) {
        List<String> names = new ArrayList<>(type.parameters().keySet());
        names.sort((a, b) -> a.equals("charset") ? -1 : b.equals("charset") ? 1 : a.compareTo(b));
        StringBuilder s = new StringBuilder(type.baseType());
        Map<String, String> parameters = type.parameters();
        for (String name : names) {
            s.append("; ").append(parameter(name, parameters.get(name)));
        }
        return s.toString();
    }

    private static String parameter(String name, String value) {
        if (!HeaderEncoding.isAscii(value)) {
            StringBuilder encoded = new StringBuilder(name).append("*=utf-8''");
            for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                    encoded.append((char) c);
                } else {
                    encoded.append(String.format("%%%02X", c));
                }
            }
            return encoded.toString();
        }
        boolean token = !value.isEmpty() && value.chars().noneMatch(c -> TSPECIALS.indexOf(c) >= 0);
        return name + "=" + (token ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
}
