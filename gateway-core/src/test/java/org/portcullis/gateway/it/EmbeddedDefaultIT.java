package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The newcomer's first minute: start with no configuration, send one message with swaks, see it arrive. */
class EmbeddedDefaultIT {

    private static final int DEFAULT_PORT = 2525;

    @Test
    void aFirstMessageFromSwaksArrivesInTheLocalMaildir(@TempDir Path dir) throws Exception {
        Peers.requireSwaks();
        assertThat(Peers.portOpen(DEFAULT_PORT)).as("port 2525 must be free for the embedded default").isFalse();
        try (GatewayProcess gateway = GatewayProcess.startEmbeddedDefault(dir, DEFAULT_PORT)) {
            assertThat(gateway.logText()).contains("127.0.0.1:2525").contains("Maildir").contains("STARTTLS");

            Peers.Result sent = Peers.exec(Duration.ofSeconds(60), List.of("swaks", "--to", "someone@example.com",
                    "--server", "127.0.0.1:" + DEFAULT_PORT, "--header", "Subject: first light"));
            assertThat(sent.exitCode()).as(sent.output()).isZero();
            assertThat(sent.output()).containsPattern("250 2\\.0\\.0 Ok: queued as [0-9A-Z]+");

            Path maildir = dir.resolve("var/maildir");
            assertThat(Peers.await(Duration.ofSeconds(20), () -> newMessages(maildir).size() == 1))
                    .as("one message in a new/ folder under " + maildir).isTrue();
            String message = Files.readString(newMessages(maildir).get(0));
            assertThat(message).contains("Subject: first light").contains("Received: from ");
        }
    }

    private static List<Path> newMessages(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(p -> p.getParent().getFileName().toString().equals("new"))
                    .toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
