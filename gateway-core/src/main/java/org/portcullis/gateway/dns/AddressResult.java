package org.portcullis.gateway.dns;

import java.net.InetAddress;
import java.util.List;

/** What DNS says about the addresses of one host. */
public sealed interface AddressResult {

    /** IPv4 addresses first, then IPv6. Never empty. */
    record Addresses(List<InetAddress> addresses) implements AddressResult {
        public Addresses {
            addresses = List.copyOf(addresses);
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("no addresses");
            }
        }
    }

    /** The name does not exist or has neither A nor AAAA records. */
    record NoSuchHost(String reason) implements AddressResult {
    }

    /** DNS could not answer now. */
    record TemporaryFailure(String reason) implements AddressResult {
    }
}
