package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A milter that is down: tempfail by default, or mail flows without it when the admin chose fail-open. */
class MilterDownIT {

    private static String config(int sinkPort, int deadPort, String onFailure) {
        return Configs.relayTo(sinkPort, "[]") + """
                filters:
                  inbound:
                    - type: milter
                      name: gone
                      address: inet:127.0.0.1:%d
                      on_failure: %s
                """.formatted(deadPort, onFailure);
    }

    @Test
    void aMilterThatIsDownTempfailsUnlessTheAdminChoseToCarryOn(@TempDir Path dir) throws Exception {
        int dead = Peers.freePort();
        try (SinkProcess sink = SinkProcess.start(Peers.freePort(), dir.resolve("sink"))) {
            try (GatewayProcess closed = GatewayProcess.start(dir.resolve("closed"), config(sink.port, dead, "tempfail"));
                 SmtpTalk talk = new SmtpTalk(closed.port)) {
                assertThat(talk.reply()).as("the greeting waits for nobody: connect failures are tempfails too")
                        .startsWith("421 4.7.1");
                assertThat(closed.logText()).contains("event=filter_failed filter=gone stage=connect")
                        .contains("action=tempfail");
            }
            try (GatewayProcess open = GatewayProcess.start(dir.resolve("open"), config(sink.port, dead, "accept"));
                 SmtpTalk talk = new SmtpTalk(open.port)) {
                assertThat(talk.reply()).startsWith("220");
                talk.command("EHLO client.test");
                assertThat(talk.command("MAIL FROM:<a@sender.example.org>")).startsWith("250");
                assertThat(talk.command("RCPT TO:<user@example.com>")).startsWith("250");
                talk.command("DATA");
                assertThat(talk.command("Subject: without the milter\r\n\r\nhello\r\n.")).startsWith("250 2.0.0");
                assertThat(Peers.await(Duration.ofSeconds(20), () -> !sink.messages().isEmpty())).isTrue();
            }
        }
    }
}
