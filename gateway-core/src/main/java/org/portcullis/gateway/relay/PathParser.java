package org.portcullis.gateway.relay;

/**
 * Reads the argument of {@code MAIL FROM:} and {@code RCPT TO:} (everything after the colon):
 * the path in angle brackets and the ESMTP parameters after it. It refuses what a boundary
 * gateway must never pass on: source routes, {@code %} hacks, bang paths, quoted local parts
 * hiding an {@code @}, IP literals, trailing dots, invalid or look-alike domains.
 */
public interface PathParser {

    /** The reverse-path of MAIL FROM; {@code <>} is the null sender. */
    PathResult parseReversePath(String argument, boolean smtpUtf8);

    /** The forward-path of RCPT TO; {@code <>} is refused. {@code <postmaster>} is accepted. */
    PathResult parseForwardPath(String argument, boolean smtpUtf8);
}
