package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plug-in jar in the plugins directory (the example subject-match filter), a policy of the
 * admin's own, {@code policy explain} on a corpus message, and a reload that changes the policy
 * for new sessions while a session already under way keeps the one it started with.
 */
class PluginPolicyIT {

    private static final String POLICY_HOLD = """
            rules:
              - name: invoice lures are held
                when: { finding: subject.match }
                then: { quarantine: "looks like an invoice lure" }
            """;
    private static final String POLICY_REJECT = """
            rules:
              - name: invoice lures are refused
                when: { finding: subject.match }
                then: { reject: "550 5.7.1 Invoice lures are not accepted here" }
            """;

    private static String config(int sinkPort) {
        return Configs.relayTo(sinkPort, "[]") + """
                plugins: plugins
                policy: policy.yaml
                filters:
                  inbound:
                    - type: subject-match
                      name: invoice-words
                      match: "(?i)invoice"
                """;
    }

    @Test
    void aPluginsFindingIsActedOnByTheAdminsPolicyAndAReloadChangesItForNewSessionsOnly(@TempDir Path dir)
            throws Exception {
        Path gw = Files.createDirectories(dir.resolve("gw"));
        Files.createDirectories(gw.resolve("plugins"));
        Files.copy(Path.of(System.getProperty("portcullis.example.plugin")), gw.resolve("plugins/subject-match.jar"));
        Files.writeString(gw.resolve("policy.yaml"), POLICY_HOLD);
        Path corpus = Path.of(System.getProperty("portcullis.corpus.dir"));

        try (SinkProcess sink = SinkProcess.start(Peers.freePort(), dir.resolve("sink"));
             GatewayProcess gateway = GatewayProcess.start(gw, config(sink.port))) {
            Peers.Result explained = Peers.exec(Duration.ofSeconds(60), List.of(GatewayProcess.javaBinary(), "-jar",
                    GatewayProcess.jar().toString(), "policy", "explain", "--config", gw.resolve("portcullis.yaml").toString(),
                    corpus.resolve("invoice-phish.eml").toString()));
            assertThat(explained.exitCode()).as(explained.output()).isZero();
            assertThat(explained.output()).contains("invoice-words: subject.match")
                    .contains("decided by rule 'invoice lures are held'")
                    .contains("The gateway would: accept it and hold it in the quarantine");

            String queueId;
            try (SmtpTalk early = new SmtpTalk(gateway.port)) {
                early.reply();
                early.command("EHLO early.test");
                assertThat(send(early, "Your invoice is overdue")).startsWith("250 2.0.0 Ok: queued as");

                Files.writeString(gw.resolve("policy.yaml"), POLICY_REJECT);
                gateway.reload();
                assertThat(Peers.await(Duration.ofSeconds(20), () -> gateway.logText().contains("reloaded:"))).isTrue();

                try (SmtpTalk late = new SmtpTalk(gateway.port)) {
                    late.reply();
                    late.command("EHLO late.test");
                    assertThat(send(late, "Another invoice")).isEqualTo("550 5.7.1 Invoice lures are not accepted here");
                }
                String reply = send(early, "Invoice again, same session");
                assertThat(reply).as("the session from before the reload keeps its policy").startsWith("250 2.0.0");
                queueId = reply.substring(reply.indexOf("queued as ") + 10).strip();
            }
            Peers.Result list = Peers.exec(Duration.ofSeconds(60), List.of(GatewayProcess.javaBinary(), "-jar",
                    GatewayProcess.jar().toString(), "queue", "list", "--config", gw.resolve("portcullis.yaml").toString()));
            assertThat(list.output()).containsPattern(queueId + " +hold ");
            assertThat(gateway.logText()).contains("queue_id=" + queueId + " event=quarantined");
            Thread.sleep(1000);
            assertThat(sink.messages()).as("quarantined mail is not delivered").isEmpty();
        }
    }

    private static String send(SmtpTalk talk, String subject) throws Exception {
        talk.command("MAIL FROM:<billing@payments.example.org>");
        talk.command("RCPT TO:<bob@example.com>");
        talk.command("DATA");
        return talk.command("Subject: " + subject + "\r\nFrom: billing@payments.example.org\r\n\r\nPay now.\r\n.");
    }
}
