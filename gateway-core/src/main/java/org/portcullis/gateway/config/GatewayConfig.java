package org.portcullis.gateway.config;

import java.util.List;

/**
 * The whole configuration of one gateway, as loaded and validated from one YAML file. Every
 * part is immutable; a reload builds a new one.
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
        ChainConfig chain) {

    public GatewayConfig {
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes);
    }
}
