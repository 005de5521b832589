package org.portcullis.filter;

import java.util.Objects;

/**
 * One header field.
 *
 * @param name  the field name as written (compare with {@link #is})
 * @param raw   everything after the colon exactly as in the message: the blank after the colon,
 *              the folds, encoded words left as they are
 * @param value the value unfolded and with RFC 2047 encoded words decoded, for reading
 */
public record Header(String name, String raw, String value) {

    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(value, "value");
    }

    public boolean is(String fieldName) {
        return name.equalsIgnoreCase(fieldName);
    }
}
