package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken configuration stops the gateway before it listens, naming the line. */
class ConfigErrorIT {

    @Test
    void exitsNonZeroNamingTheLineOfTheMistake(@TempDir Path dir) throws Exception {
        int port = Peers.freePort();
        Path config = Files.writeString(dir.resolve("broken.yaml"), """
                listeners:
                  - address: 127.0.0.1:%d
                smtp:
                  max_recipients: lots
                """.formatted(port));

        Peers.Result result = Peers.exec(Duration.ofSeconds(60), List.of(GatewayProcess.javaBinary(), "-jar",
                GatewayProcess.jar().toString(), "run", "--config", config.toString()));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("broken.yaml:4").contains("smtp.max_recipients");
        assertThat(Peers.portOpen(port)).as("nothing listens half-configured").isFalse();
    }

    @Test
    void checkConfigAcceptsTheShippedExample() throws Exception {
        Path shipped = Path.of(System.getProperty("portcullis.config.dir", "../config"), "portcullis.yaml");
        Peers.Result result = Peers.exec(Duration.ofSeconds(60), List.of(GatewayProcess.javaBinary(), "-jar",
                GatewayProcess.jar().toString(), "check-config", "--config", shipped.toString()));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("configuration OK");
    }
}
