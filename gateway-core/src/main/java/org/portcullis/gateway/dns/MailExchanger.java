package org.portcullis.gateway.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * One host that takes mail for a domain, with its addresses in the order to try them.
 *
 * @param host       the exchanger's name without the trailing dot, e.g. {@code mx1.example.com}
 * @param preference the MX preference; 0 for an implicit MX (the domain's own address records)
 * @param addresses  its IPv4 addresses, then its IPv6 addresses; never empty
 */
public record MailExchanger(String host, int preference, List<InetAddress> addresses) {

    public MailExchanger {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("an exchanger without addresses cannot take mail: " + host);
        }
    }
}
