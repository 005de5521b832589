package org.portcullis.gateway.config;

import java.util.List;

/**
 * The whole configuration of one gateway, as loaded and validated from one YAML file. Every
 * part is immutable; a reload builds a new one. {@code milterServer} is empty unless
 * {@code milter_server} is configured.
 */
public record GatewayConfig(
        String hostname,
        List<ListenerConfig> listeners,
        SmtpConfig smtp,
        TlsConfig tls,
        AuthConfig auth,
        RelayConfig relay,
        SpoolConfig spool,
        DeliveryConfig delivery,
        List<RouteConfig> routes,
        LocalDeliveryConfig localDelivery,
        DnsConfig dns,
        ChainConfig chain,
        java.util.Optional<MilterServerConfig> milterServer) {

    public GatewayConfig {
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
        java.util.Objects.requireNonNull(milterServer, "milterServer");
    }

    /** A configuration without the milter server. */
    public GatewayConfig(String hostname, List<ListenerConfig> listeners, SmtpConfig smtp, TlsConfig tls,
                         AuthConfig auth, RelayConfig relay, SpoolConfig spool, DeliveryConfig delivery,
                         List<RouteConfig> routes, LocalDeliveryConfig localDelivery, DnsConfig dns, ChainConfig chain) {
        this(hostname, listeners, smtp, tls, auth, relay, spool, delivery, routes, localDelivery, dns, chain,
                java.util.Optional.empty());
    }
}
