package org.portcullis.gateway.it;

/** Gateway configurations for the integration tests; {@code %PORT%} becomes the listener's port. */
final class Configs {

    private Configs() {
    }

    /**
     * Relays everything to the sink at {@code nextHopPort}, retrying quickly.
     *
     * @param trusted the trusted networks, e.g. {@code [127.0.0.0/8]} or {@code []}
     */
    static String relayTo(int nextHopPort, String trusted) {
        return """
                hostname: gw.portcullis.test
                listeners:
                  - name: inbound
                    address: 127.0.0.1:%PORT%
                relay:
                  accepted_domains: [example.com]
                  trusted_networks: TRUSTED
                spool:
                  directory: ./spool
                delivery:
                  timeouts: {connect: 2s, command: 30s, data: 60s}
                  retry: {initial: 1s, max: 2s, jitter: 0.1}
                  connection_reuse_time: 5s
                routes:
                  - domains: ["*"]
                    next_hops: [smtp://127.0.0.1:HOP]
                    tls: none
                """.replace("HOP", String.valueOf(nextHopPort)).replace("TRUSTED", trusted);
    }
}
