package org.portcullis.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader(cidr -> {
        if (!cidr.contains("/")) {
            throw new IllegalArgumentException("missing prefix length");
        }
    });

    private GatewayConfig parse(String yaml) throws ConfigException {
        return loader.parse("test.yaml", new StringReader(yaml));
    }

    @Test
    void embeddedDefaultListensOnLoopbackAndDeliversToMaildir() throws Exception {
        GatewayConfig config = loader.loadDefault();

        assertThat(config.listeners()).singleElement()
                .satisfies(l -> assertThat(l.host()).isEqualTo("127.0.0.1"));
        assertThat(config.routes()).isEmpty();
        assertThat(config.localDelivery().maildir()).isEqualTo(Path.of("var/maildir").toAbsolutePath());
        assertThat(config.relay().trustedNetworks()).containsExactly("127.0.0.0/8", "::1/128");
        assertThat(config.smtp().maxMessageSize()).isEqualTo(50L * 1024 * 1024);
        assertThat(config.tls().selfSigned()).isTrue();
        assertThat(config.auth().enabled()).isFalse();
    }

    @Test
    void relativePathsLeadFromTheFilesDirectory(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("gw.yaml"), """
                listeners:
                  - address: 127.0.0.1:2525
                spool:
                  directory: spool
                local_delivery:
                  maildir: ../mail
                """);
        GatewayConfig config = loader.load(file);
        assertThat(config.spool().directory()).isEqualTo(dir.toAbsolutePath().resolve("spool"));
        assertThat(config.localDelivery().maildir()).isEqualTo(dir.toAbsolutePath().getParent().resolve("mail"));
    }

    @Test
    void readsSizesDurationsAndRoutes() throws Exception {
        GatewayConfig config = parse("""
                hostname: mx.example.org
                listeners:
                  - address: "[::1]:2525"
                smtp:
                  max_message_size: 10m
                  timeouts: {command: 90s}
                delivery:
                  retry: {initial: 500ms, max: 2h}
                routes:
                  - domains: [example.com, .example.com]
                    next_hops: [smtp://10.0.0.5, lmtp://store.internal:2424]
                    tls: required
                  - domains: ["*"]
                """);

        assertThat(config.hostname()).isEqualTo("mx.example.org");
        assertThat(config.listeners().get(0)).isEqualTo(new ListenerConfig("smtp0", "::1", 2525));
        assertThat(config.smtp().maxMessageSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(config.smtp().commandTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.delivery().retryInitial()).isEqualTo(Duration.ofMillis(500));
        RouteConfig internal = config.routes().get(0);
        assertThat(internal.nextHops()).containsExactly(
                new RouteConfig.NextHop(RouteConfig.Protocol.SMTP, "10.0.0.5", 25),
                new RouteConfig.NextHop(RouteConfig.Protocol.LMTP, "store.internal", 2424));
        assertThat(internal.tls()).isEqualTo(RouteConfig.TlsPolicy.REQUIRED);
        assertThat(config.routes().get(1).usesMx()).isTrue();
    }

    @Test
    void misspeltKeyIsReportedWithItsLineAndTheAllowedKeys() {
        assertThatThrownBy(() -> parse("""
                listeners:
                  - address: 127.0.0.1:25
                smtp:
                  max_recipients: 10
                  max_recipents: 20
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:5")
                .hasMessageContaining("unknown setting 'smtp.max_recipents'")
                .hasMessageContaining("max_recipients");
    }

    @Test
    void badDurationNamesLineAndForm() {
        assertThatThrownBy(() -> parse("""
                listeners:
                  - address: 127.0.0.1:25
                smtp:
                  timeouts:
                    data: ten minutes
                """))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.line()).isEqualTo(5))
                .hasMessageContaining("'smtp.timeouts.data' must be a duration such as 500ms, 30s");
    }

    @Test
    void brokenYamlIsReportedWithItsLine() {
        assertThatThrownBy(() -> parse("""
                listeners:
                  - address: 127.0.0.1:25
                relay:
                  accepted_domains: [example.com
                spool: {}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void invalidTrustedNetworkIsReportedWithItsLine() {
        assertThatThrownBy(() -> parse("""
                listeners:
                  - address: 127.0.0.1:25
                relay:
                  trusted_networks:
                    - 10.0.0.0/8
                    - 10.1.2.3
                """))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.line()).isEqualTo(6))
                .hasMessageContaining("CIDR");
    }

    @Test
    void listenerWithoutPortIsRefused() {
        assertThatThrownBy(() -> parse("""
                listeners:
                  - address: 127.0.0.1
                """))
                .hasMessageContaining("test.yaml:2")
                .hasMessageContaining("must give a port");
    }

    @Test
    void duplicateKeyIsRefused() {
        assertThatThrownBy(() -> parse("""
                listeners:
                  - address: 127.0.0.1:25
                smtp:
                  max_errors: 5
                  max_errors: 6
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:5");
    }

    @Test
    void certificateWithoutKeyIsRefused(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        assertThatThrownBy(() -> parse("""
                listeners:
                  - address: 127.0.0.1:25
                tls:
                  certificate: %s
                """.formatted(cert)))
                .hasMessageContaining("go together");
    }

    @Test
    void missingFileIsReported(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml")))
                .hasMessageContaining("nope.yaml")
                .hasMessageContaining("no such configuration file");
    }
}
