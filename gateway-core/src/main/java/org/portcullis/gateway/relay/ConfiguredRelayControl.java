package org.portcullis.gateway.relay;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.validator.routines.DomainValidator;
import org.portcullis.gateway.config.RelayConfig;
import org.portcullis.gateway.envelope.MailAddress;

/**
 * Relay control from the configuration ({@code relay.accepted_domains},
 * {@code relay.trusted_networks}, {@code smtp.require_fqdn_sender}): mail for an accepted domain,
 * or for postmaster at the gateway's host name, is inbound and taken from anyone; mail for any
 * other domain goes outbound only for a client in a trusted network or an authenticated user.
 * Everyone else gets {@code 554 5.7.1 <addr>: Relay access denied}. A fully qualified sender
 * domain (one whose top-level domain exists) is required of strangers only: internal systems
 * often send from bare host names.
 */
public final class ConfiguredRelayControl implements RelayControl {

    private static final String POSTMASTER = "postmaster";

    private final AcceptedDomains acceptedDomains;
    private final List<Cidr> trustedNetworks;
    private final Optional<String> hostnameKey;
    private final boolean requireFqdnSender;
    private final RefusalCounter refusals;

    /**
     * @param config            accepted domains and trusted networks
     * @param hostname          the gateway's host name, whose postmaster is always reachable
     * @param requireFqdnSender {@code smtp.require_fqdn_sender}
     * @throws IllegalArgumentException naming the first accepted domain or trusted network that
     *                                  is not valid
     */
    public ConfiguredRelayControl(RelayConfig config, String hostname, boolean requireFqdnSender,
                                  MeterRegistry registry) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(hostname, "hostname");
        this.acceptedDomains = new AcceptedDomains(config.acceptedDomains());
        this.trustedNetworks = config.trustedNetworks().stream().map(Cidr::parse).toList();
        this.hostnameKey = AcceptedDomains.asciiKey(hostname);
        if (hostnameKey.isEmpty()) {
            throw new IllegalArgumentException("host name '" + hostname + "' is not a valid domain name");
        }
        this.requireFqdnSender = requireFqdnSender;
        this.refusals = new RefusalCounter(registry);
    }

    @Override
    public Optional<RelayDecision.Refuse> checkSender(MailAddress sender, InetAddress client, String authUser) {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(client, "client");
        if (sender.isNullSender() || !requireFqdnSender || isTrusted(client, authUser)
                || isFullyQualified(sender.domain())) {
            return Optional.empty();
        }
        refusals.count("non_fqdn_sender");
        return Optional.of(new RelayDecision.Refuse(550, "5.1.7",
                "<" + sender + ">: Sender address rejected: need fully-qualified address"));
    }

    @Override
    public RelayDecision checkRecipient(MailAddress recipient, InetAddress client, String authUser) {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(client, "client");
        if (recipient.isNullSender()) {
            throw new IllegalArgumentException("the null path is never a recipient");
        }
        if (acceptedDomains.contains(recipient.domain()) || isOwnPostmaster(recipient)) {
            return new RelayDecision.Accept(RelayDecision.Direction.INBOUND);
        }
        if (isTrusted(client, authUser)) {
            return new RelayDecision.Accept(RelayDecision.Direction.OUTBOUND);
        }
        refusals.count("relay_denied");
        return new RelayDecision.Refuse(554, "5.7.1", "<" + recipient + ">: Relay access denied");
    }

    /** Our own systems: a client in a trusted network, or one that authenticated. */
    @Override
    public boolean isTrusted(InetAddress client, String authUser) {
        boolean authenticated = authUser != null && !authUser.isBlank();
        return authenticated || trustedNetworks.stream().anyMatch(network -> network.contains(client));
    }

    private boolean isOwnPostmaster(MailAddress recipient) {
        return recipient.localPart().equalsIgnoreCase(POSTMASTER)
                && AcceptedDomains.asciiKey(recipient.domain()).equals(hostnameKey);
    }

    /** A dot and a top-level domain that exists, per the IANA list in Commons Validator. */
    private static boolean isFullyQualified(String domain) {
        return AcceptedDomains.asciiKey(domain)
                .filter(key -> key.indexOf('.') > 0)
                .map(key -> DomainValidator.getInstance(false).isValid(key))
                .orElse(false);
    }
}
