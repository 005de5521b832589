package org.portcullis.gateway.relay;

import java.util.Objects;

/**
 * Why an address was refused, before it is turned into a reply for MAIL or RCPT.
 *
 * @param kind   which family of reply it gets
 * @param reason a short explanation for the client, e.g. {@code "percent hack is not allowed"};
 *               never contains text the client sent
 * @param tag    the {@code reason} tag of the {@code portcullis.relay.refused} counter, e.g.
 *               {@code percent_hack}
 */
public record Refusal(Kind kind, String reason, String tag) {

    public Refusal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(tag, "tag");
    }

    /** The families of refusal, each with its own reply code. */
    public enum Kind {
        /** Not an RFC 5321 path: 501 5.1.3 (RCPT) or 501 5.1.7 (MAIL). */
        SYNTAX,
        /**
         * Would route the mail somewhere other than the domain at the end, or makes a domain
         * look like another one: 553 5.7.1.
         */
        TRICK,
        /** UTF-8 in an address without the SMTPUTF8 parameter: 553 5.6.7 (RFC 6531). */
        NEEDS_SMTPUTF8
    }

    static Refusal syntax(String reason, String tag) {
        return new Refusal(Kind.SYNTAX, reason, tag);
    }

    static Refusal trick(String reason, String tag) {
        return new Refusal(Kind.TRICK, reason, tag);
    }
}
