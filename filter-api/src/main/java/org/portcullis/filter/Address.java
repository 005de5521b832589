package org.portcullis.filter;

import java.util.Locale;
import java.util.Objects;

/**
 * An envelope mailbox: local part and domain. The null sender ({@code MAIL FROM:<>}) is
 * {@link #NULL}. The domain compares case-insensitively ({@link #domainKey()}).
 */
public record Address(String localPart, String domain) {

    public static final Address NULL = new Address("", "");

    public Address {
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(domain, "domain");
    }

    /** Reads {@code local@domain} (no angle brackets); the empty string is {@link #NULL}. */
    public static Address parse(String text) {
        String t = text.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty()) {
            return NULL;
        }
        int at = t.lastIndexOf('@');
        if (at <= 0 || at == t.length() - 1) {
            throw new IllegalArgumentException("not an address: " + text);
        }
        return new Address(t.substring(0, at), t.substring(at + 1));
    }

    public boolean isNull() {
        return localPart.isEmpty() && domain.isEmpty();
    }

    public String domainKey() {
        return domain.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return isNull() ? "" : localPart + "@" + domain;
    }
}
