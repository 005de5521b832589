package org.portcullis.gateway.envelope;

import java.util.Locale;
import java.util.Objects;

/**
 * A mailbox as it travels in the envelope: a local part and a domain. The null reverse-path
 * ({@code MAIL FROM:<>}) is {@link #NULL_SENDER}. The local part keeps its case (it may be
 * significant to the final mail store); the domain compares case-insensitively.
 */
public record MailAddress(String localPart, String domain) {

    /** The null reverse-path, used for bounces and other notifications. */
    public static final MailAddress NULL_SENDER = new MailAddress("", "");

    public MailAddress {
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(domain, "domain");
    }

    public boolean isNullSender() {
        return localPart.isEmpty() && domain.isEmpty();
    }

    /** The domain in lower case, for comparisons and routing. */
    public String domainKey() {
        return domain.toLowerCase(Locale.ROOT);
    }

    /** The address as written in an SMTP path, without angle brackets; empty for the null sender. */
    @Override
    public String toString() {
        return isNullSender() ? "" : localPart + "@" + domain;
    }
}
