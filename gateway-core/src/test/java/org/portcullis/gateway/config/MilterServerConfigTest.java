package org.portcullis.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.portcullis.gateway.milter.MilterAddress;

/** The {@code milter_server} section: off when absent, every setting with its default, mistakes with their line. */
class MilterServerConfigTest {

    private final ConfigLoader loader = new ConfigLoader(cidr -> {
    });

    private GatewayConfig parse(String yaml) throws ConfigException {
        return loader.parse("test.yaml", new StringReader("listeners:\n  - address: 127.0.0.1:2525\n" + yaml),
                Path.of("/etc/portcullis"));
    }

    @Test
    void isOffUnlessConfigured() throws Exception {
        assertThat(parse("").milterServer()).isEmpty();
        assertThat(loader.loadDefault().milterServer()).as("the embedded default").isEmpty();
    }

    @Test
    void takesTheDefaultsForAnAddressAlone() throws Exception {
        MilterServerConfig c = parse("milter_server:\n  address: inet:127.0.0.1:8899\n").milterServer().orElseThrow();

        assertThat(c).isEqualTo(MilterServerConfig.defaults(new MilterAddress.Inet("127.0.0.1", 8899)));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.progressInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxMessageSize()).isEqualTo(50L * 1024 * 1024);
    }

    @Test
    void readsEverySetting() throws Exception {
        MilterServerConfig c = parse("""
                milter_server:
                  address: unix:run/milter.sock
                  socket_mode: "0666"
                  timeouts: {negotiate: 5s, idle: 2m, write: 7s}
                  progress_interval: 3s
                  max_connections: 12
                  max_message_size: 2m
                """).milterServer().orElseThrow();

        assertThat(c.address()).isEqualTo(new MilterAddress.Unix(Path.of("/etc/portcullis/run/milter.sock")));
        assertThat(c.socketPermissions()).hasSize(6);
        assertThat(c.negotiateTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.writeTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.progressInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.maxConnections()).isEqualTo(12);
        assertThat(c.maxMessageSize()).isEqualTo(2L * 1024 * 1024);
    }

    @Test
    void saysWhatIsWrongAndWhere() {
        assertThatThrownBy(() -> parse("milter_server:\n  max_connections: 3\n"))
                .hasMessageContaining("'milter_server.address' is required");
        assertThatThrownBy(() -> parse("milter_server:\n  address: 127.0.0.1:8899\n"))
                .hasMessageContaining("test.yaml:4").hasMessageContaining("must be inet:host:port or unix:/path");
        assertThatThrownBy(() -> parse("milter_server:\n  address: inet:127.0.0.1:1\n  socket_mode: rw\n"))
                .hasMessageContaining("octal");
        assertThatThrownBy(() -> parse("milter_server:\n  address: inet:127.0.0.1:1\n  timeout: 3s\n"))
                .hasMessageContaining("unknown setting 'milter_server.timeout'");
    }
}
