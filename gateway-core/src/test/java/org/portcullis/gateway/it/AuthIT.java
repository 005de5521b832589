package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTP AUTH against the real gateway with swaks: offered only inside TLS, checked against a
 * users file written by {@code portcullis hash-password}, and what lets a stranger relay.
 */
class AuthIT {

    @Test
    void anAuthenticatedUserMayRelayOutboundOnlyAfterStartTls(@TempDir Path dir) throws Exception {
        Peers.requireSwaks();
        Peers.Result hashed = Peers.exec(Duration.ofSeconds(60), List.of("/bin/sh", "-c",
                "printf 'correct horse\\n' | '" + GatewayProcess.javaBinary() + "' -jar '" + GatewayProcess.jar()
                        + "' hash-password --stdin alice"));
        assertThat(hashed.exitCode()).as(hashed.output()).isZero();
        assertThat(hashed.output().strip()).startsWith("alice:pbkdf2-sha256$");
        Path users = Files.writeString(dir.resolve("users"), hashed.output().strip() + "\n");

        try (SinkProcess sink = SinkProcess.start(Peers.freePort(), dir.resolve("sink"));
             GatewayProcess gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(sink.port, "[]")
                     + "auth:\n  users_file: " + users + "\n")) {
            String server = "127.0.0.1:" + gateway.port;

            Peers.Result clear = Peers.exec(Duration.ofSeconds(60), List.of("swaks", "--server", server,
                    "--from", "alice@sender.example.org", "--to", "bob@elsewhere.example", "--auth", "PLAIN",
                    "--auth-user", "alice", "--auth-password", "correct horse"));
            assertThat(clear.exitCode()).as("no AUTH in clear text").isNotZero();
            assertThat(clear.output()).doesNotContain("235 ");

            Peers.Result wrong = Peers.exec(Duration.ofSeconds(60), List.of("swaks", "--tls", "--server", server,
                    "--from", "alice@sender.example.org", "--to", "bob@elsewhere.example", "--auth", "LOGIN",
                    "--auth-user", "alice", "--auth-password", "wrong"));
            assertThat(wrong.exitCode()).isNotZero();
            assertThat(wrong.output()).contains("535 5.7.8");

            Peers.Result ok = Peers.exec(Duration.ofSeconds(60), List.of("swaks", "--tls", "--server", server,
                    "--from", "alice@sender.example.org", "--to", "bob@elsewhere.example", "--auth", "PLAIN",
                    "--auth-user", "alice", "--auth-password", "correct horse", "--header", "Subject: outbound"));
            assertThat(ok.exitCode()).as(ok.output()).isZero();
            assertThat(ok.output()).contains("235 2.7.0").contains("queued as");
            assertThat(Peers.await(Duration.ofSeconds(20), () -> !sink.messages().isEmpty())).isTrue();
            assertThat(Files.readString(sink.messages().get(0))).contains("Subject: outbound")
                    .contains("with ESMTPSA id");
        }
    }
}
