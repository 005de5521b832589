package org.portcullis.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * How the gateway asks DNS (MX lookups for outbound mail, reverse names of clients).
 *
 * @param servers {@code dns.servers}: resolvers as {@code host} or {@code host:port}
 *                ({@code [v6]:port}); empty means the system's resolvers ({@code /etc/resolv.conf})
 * @param timeout {@code dns.timeout}: how long one query may take before it counts as failed
 *                (a failed MX lookup defers, it never bounces)
 * @param reverseLookup {@code dns.reverse_lookup}: look up the client's name (PTR, confirmed by
 *                a forward lookup) for the Received header
 */
public record DnsConfig(List<String> servers, Duration timeout, boolean reverseLookup) {

    public DnsConfig {
        servers = List.copyOf(servers);
    }

    public static DnsConfig defaults() {
        return new DnsConfig(List.of(), Duration.ofSeconds(5), true);
    }
}
