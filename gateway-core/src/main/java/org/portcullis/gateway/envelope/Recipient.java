package org.portcullis.gateway.envelope;

import java.util.Objects;

/**
 * One forward-path with the RFC 3461 parameters given on its RCPT command, carried unchanged to
 * the next hop.
 *
 * @param address the recipient mailbox
 * @param dsnNotify  the NOTIFY value as given (e.g. {@code SUCCESS,FAILURE}), or null if absent
 * @param dsnOrcpt   the ORCPT value as given, still xtext-encoded (e.g. {@code rfc822;a+40b.example}),
 *                or null if absent
 */
public record Recipient(MailAddress address, String dsnNotify, String dsnOrcpt) {

    public Recipient {
        Objects.requireNonNull(address, "address");
    }

    public static Recipient of(MailAddress address) {
        return new Recipient(address, null, null);
    }
}
