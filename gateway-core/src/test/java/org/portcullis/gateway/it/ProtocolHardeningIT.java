package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile client against the real gateway process: smuggling, relay tricks, STARTTLS
 * command injection, bare LF. The client here (127.0.0.1) is a stranger: no trusted networks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolHardeningIT {

    @TempDir
    static Path dir;
    private SinkProcess sink;
    private GatewayProcess gateway;

    @BeforeAll
    void start() throws Exception {
        sink = SinkProcess.start(Peers.freePort(), dir.resolve("sink"));
        gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(sink.port, "[]"));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @ParameterizedTest(name = "smuggling separator {0}")
    @ValueSource(strings = {"\\n.\\n", "\\n.\\r\\n", "\\r.\\r", "\\r.\\r\\n", "\\r\\n.\\n", "\\r\\n.\\r", "\\n.\\r"})
    void onlyCrLfDotCrLfEndsTheMessage(String escaped) throws Exception {
        String separator = escaped.replace("\\r", "\r").replace("\\n", "\n");
        String marker = "smuggle-" + Integer.toHexString(escaped.hashCode());
        int before = sink.messages().size();
        try (SmtpTalk talk = new SmtpTalk(gateway.port)) {
            talk.reply();
            assertThat(talk.command("EHLO client.test")).startsWith("250");
            assertThat(talk.command("MAIL FROM:<a@sender.example.org>")).startsWith("250");
            assertThat(talk.command("RCPT TO:<user@example.com>")).startsWith("250");
            assertThat(talk.command("DATA")).startsWith("354");
            talk.send("Subject: " + marker + "\r\n\r\nhello" + separator
                    + "MAIL FROM:<evil@evil.example>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n"
                    + "Smuggled " + marker + "\r\n.\r\n");
            assertThat(talk.reply()).startsWith("250 2.0.0");
            assertThat(talk.silentFor(1000)).as("no reply to smuggled commands").isTrue();
            assertThat(talk.command("QUIT")).startsWith("221");
        }
        assertThat(Peers.await(Duration.ofSeconds(20), () -> sink.messages().size() > before)).isTrue();
        Thread.sleep(500);
        List<Path> messages = sink.messages();
        assertThat(messages).hasSize(before + 1);
        String relayed = Files.readString(messages.get(messages.size() - 1));
        assertThat(relayed).contains("Subject: " + marker).contains("Smuggled " + marker);
        assertThat(relayed).doesNotContain("\n.\n").doesNotContain("\r.\r");
        assertThat(Files.readString(Path.of(messages.get(messages.size() - 1).toString().replace(".eml", ".json"))))
                .contains("\"mail_from\": \"a@sender.example.org\"").doesNotContain("evil@evil.example");
    }

    @ParameterizedTest(name = "refuses RCPT TO:{0}")
    @ValueSource(strings = {
        "<user%evil.example@example.com>",
        "<evil.example!user@example.com>",
        "<\"user@evil.example\"@example.com>",
        "<@example.com:user@evil.example>",
        "<@example.com,@relay.example:user@evil.example>",
        "<user@[127.0.0.1]>",
        "<user@[IPv6:::1]>",
        "<user@example.com.>",
        "<user@example.com@evil.example>",
        "<user@evil.example>",
        "<user@example.com.evil.example>",
        "<user@exаmple.com>",
        "<user@ｅxample.com>",
        "user@example.com",
    })
    void refusesRelayTricks(String path) throws Exception {
        try (SmtpTalk talk = new SmtpTalk(gateway.port)) {
            talk.reply();
            talk.command("EHLO client.test");
            assertThat(talk.command("MAIL FROM:<a@sender.example.org>")).startsWith("250");
            assertThat(talk.command("RCPT TO:" + path)).matches("5\\d\\d 5\\.\\d+\\.\\d+ .*");
            assertThat(talk.command("RCPT TO:<user@Example.COM>")).as("a real recipient still works").startsWith("250");
        }
    }

    @Test
    void pipelinedCommandAfterStartTlsIsNeverAnswered() throws Exception {
        try (SmtpTalk talk = new SmtpTalk(gateway.port)) {
            talk.reply();
            assertThat(talk.command("EHLO client.test")).contains("STARTTLS");
            talk.send("STARTTLS\r\nNOOP\r\n");
            assertThat(talk.reply()).startsWith("220");
            talk.startTls();
            assertThat(talk.silentFor(1500)).as("the injected NOOP is discarded").isTrue();
            assertThat(talk.command("EHLO client.test")).startsWith("250").doesNotContain("STARTTLS");
            assertThat(talk.command("NOOP")).startsWith("250 2.0.0");
            assertThat(talk.silentFor(500)).isTrue();
        }
    }

    @Test
    void bareLineFeedInACommandIsRefusedNotExecuted() throws Exception {
        try (SmtpTalk talk = new SmtpTalk(gateway.port)) {
            talk.reply();
            talk.command("EHLO client.test");
            talk.send("MAIL FROM:<a@sender.example.org>\nRSET\r\n");
            assertThat(talk.reply()).startsWith("500 5.5.2");
            assertThat(talk.silentFor(500)).isTrue();
            assertThat(talk.command("RCPT TO:<user@example.com>")).as("no MAIL was executed").startsWith("503");
        }
    }

    @Test
    void swaksIsRefusedRelayToAnOutsideDomain() {
        Peers.requireSwaks();
        Peers.Result result = Peers.exec(Duration.ofSeconds(60), List.of("swaks", "--server",
                "127.0.0.1:" + gateway.port, "--from", "a@sender.example.org", "--to", "someone@elsewhere.example",
                "--quit-after", "RCPT"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("554 5.7.1");
    }

    @Test
    void swaksDeliversOverStartTls() throws Exception {
        Peers.requireSwaks();
        int before = sink.messages().size();
        Peers.Result result = Peers.exec(Duration.ofSeconds(60), List.of("swaks", "--tls", "--server",
                "127.0.0.1:" + gateway.port, "--from", "a@sender.example.org", "--to", "user@example.com",
                "--header", "Subject: over tls"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("queued as");
        assertThat(Peers.await(Duration.ofSeconds(20), () -> sink.messages().size() > before)).isTrue();
        List<Path> messages = sink.messages();
        assertThat(Files.readString(messages.get(messages.size() - 1)))
                .contains("Subject: over tls").contains("with ESMTPS id");
    }
}
