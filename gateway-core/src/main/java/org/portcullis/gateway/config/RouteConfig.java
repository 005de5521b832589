package org.portcullis.gateway.config;

import java.util.List;

/**
 * Where mail for some domains goes.
 *
 * @param domains  {@code routes[].domains}: the recipient domains this route serves; {@code *}
 *                 matches any domain, {@code .example.com} every subdomain
 * @param nextHops {@code routes[].next_hops}: tried in order until one answers; empty means MX
 *                 lookup for the recipient's domain
 * @param tls      {@code routes[].tls}: STARTTLS towards these next hops
 * @param name     {@code routes[].name}: what a policy's {@code route} action calls it; may be null
 */
public record RouteConfig(List<String> domains, List<NextHop> nextHops, TlsPolicy tls, String name) {

    public RouteConfig {
        domains = List.copyOf(domains);
        nextHops = List.copyOf(nextHops);
    }

    public RouteConfig(List<String> domains, List<NextHop> nextHops, TlsPolicy tls) {
        this(domains, nextHops, tls, null);
    }

    public boolean usesMx() {
        return nextHops.isEmpty();
    }

    /** STARTTLS towards a next hop. */
    public enum TlsPolicy {
        /** Never start TLS. */
        NONE,
        /** Start TLS when offered; carry on in clear text when not (certificates not checked). */
        OPPORTUNISTIC,
        /** Defer unless TLS can be started. */
        REQUIRED
    }

    /** One next hop: {@code smtp://host:port} or {@code lmtp://host:port}. */
    public record NextHop(Protocol protocol, String host, int port) {

        @Override
        public String toString() {
            return protocol.name().toLowerCase(java.util.Locale.ROOT) + "://" + host + ":" + port;
        }
    }

    public enum Protocol { SMTP, LMTP }
}
