package org.portcullis.gateway.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.ConfigException;
import org.portcullis.gateway.config.ConfigLoader;
import org.portcullis.gateway.config.DeliveryConfig;

class MaxConcurrentDeliveriesConfigTest {

    private final ConfigLoader loader = new ConfigLoader(cidr -> { });

    @Test
    void theEmbeddedDefaultAllowsAHundredAttemptsAtOnce() throws Exception {
        assertThat(loader.loadDefault().delivery().maxConcurrentDeliveries()).isEqualTo(100);
        assertThat(DeliveryConfig.defaults().maxConcurrentDeliveries()).isEqualTo(100);
    }

    @Test
    void theLimitIsReadAndChecked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, """
                listeners:
                  - address: 127.0.0.1:2525
                delivery:
                  max_concurrent_deliveries: 7
                """);
        assertThat(loader.load(file).delivery().maxConcurrentDeliveries()).isEqualTo(7);

        Files.writeString(file, """
                listeners:
                  - address: 127.0.0.1:2525
                delivery:
                  max_concurrent_deliveries: 0
                """);
        assertThatThrownBy(() -> loader.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("delivery.max_concurrent_deliveries").hasMessageContaining(":4");
    }
}
