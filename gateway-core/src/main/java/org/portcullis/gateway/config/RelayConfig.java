package org.portcullis.gateway.config;

import java.util.List;

/**
 * Who may send mail where. Mail to an accepted domain is inbound and taken from anyone; mail
 * to any other domain is relayed outbound only for trusted networks and authenticated users.
 *
 * @param acceptedDomains {@code relay.accepted_domains}: domains of the internal tier; an entry
 *                        {@code .example.com} also covers every subdomain
 * @param trustedNetworks {@code relay.trusted_networks}: CIDR blocks allowed to relay outbound
 */
public record RelayConfig(List<String> acceptedDomains, List<String> trustedNetworks) {

    public RelayConfig {
        acceptedDomains = List.copyOf(acceptedDomains);
        trustedNetworks = List.copyOf(trustedNetworks);
    }
}
