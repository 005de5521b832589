package org.portcullis.gateway.relay;

import java.net.InetAddress;
import java.util.Optional;
import org.portcullis.gateway.envelope.MailAddress;

/**
 * Decides who may send mail where: mail for an accepted domain is inbound and taken from
 * anyone; mail for any other domain is relayed only for trusted networks and authenticated
 * users; everything else gets {@code 554 5.7.1}.
 */
public interface RelayControl {

    /**
     * Checks a sender at MAIL FROM (e.g. a fully qualified domain, required of strangers but
     * not of trusted networks or authenticated users); empty when acceptable.
     *
     * @param client   the client's address
     * @param authUser the authenticated user, or null
     */
    Optional<RelayDecision.Refuse> checkSender(MailAddress sender, InetAddress client, String authUser);

    /**
     * Checks one recipient at RCPT TO.
     *
     * @param client   the client's address
     * @param authUser the authenticated user, or null
     */
    RelayDecision checkRecipient(MailAddress recipient, InetAddress client, String authUser);

    /** Whether the client is the organisation's own: a trusted network, or an authenticated user. */
    boolean isTrusted(InetAddress client, String authUser);
}
