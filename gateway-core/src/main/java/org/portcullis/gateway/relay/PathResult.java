package org.portcullis.gateway.relay;

import org.portcullis.gateway.envelope.MailAddress;

/** The outcome of reading the path argument of MAIL FROM or RCPT TO. */
public sealed interface PathResult {

    /**
     * A well-formed path.
     *
     * @param address    the mailbox ({@link MailAddress#NULL_SENDER} for {@code <>})
     * @param parameters the ESMTP parameters that followed the path, unparsed (may be empty)
     */
    record Parsed(MailAddress address, String parameters) implements PathResult {
    }

    /** A path we refuse, with the reply to give (e.g. 501 5.1.3, 550 5.7.1). */
    record Rejected(int code, String enhancedCode, String text) implements PathResult {
    }
}
