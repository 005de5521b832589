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

/**
 * The packaged gateway with a real inbound chain: a python3-milter script (adds a header,
 * replaces the body, adds a recipient, refuses one recipient) and clamav-milter in front of
 * clamd with an EICAR signature, under the shipped default policy (viruses refused).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilterChainIT {

    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    @TempDir
    static Path dir;
    private SinkProcess sink;
    private Daemons probe;
    private Daemons clamd;
    private Daemons clamavMilter;
    private GatewayProcess gateway;

    @BeforeAll
    void start() throws Exception {
        Daemons.require("/usr/sbin/clamd", "clamav-daemon");
        Daemons.require("/usr/sbin/clamav-milter", "clamav-milter");
        sink = SinkProcess.start(Peers.freePort(), dir.resolve("sink"));
        int probePort = Peers.freePort();
        Path script = Path.of(getClass().getResource("/milter/probe_milter.py").toURI());
        probe = Daemons.start("probe-milter", List.of(Peers.PYTHON, script.toString(), "inet:" + probePort + "@127.0.0.1"),
                dir.resolve("probe"), () -> Peers.portOpen(probePort), Duration.ofSeconds(20));

        Path av = Files.createDirectories(dir.resolve("clamav"));
        Path db = Files.createDirectories(av.resolve("db"));
        Files.writeString(db.resolve("portcullis-test.ndb"), "Portcullis-Test-EICAR:0:*:"
                + java.util.HexFormat.of().formatHex(EICAR.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + "\n");
        int clamdPort = Peers.freePort();
        Path clamdConf = Files.writeString(av.resolve("clamd.conf"), String.join("\n", "Foreground yes",
                "TCPSocket " + clamdPort, "TCPAddr 127.0.0.1", "DatabaseDirectory " + db, "LogFile " + av.resolve("clamd.log"),
                "PidFile " + av.resolve("clamd.pid"), "User root", "") );
        clamd = Daemons.start("clamd", List.of("/usr/sbin/clamd", "-c", clamdConf.toString()), av,
                () -> Peers.portOpen(clamdPort), Duration.ofSeconds(60));
        Path socket = av.resolve("clamav-milter.sock");
        Path milterConf = Files.writeString(av.resolve("clamav-milter.conf"), String.join("\n", "Foreground yes",
                "MilterSocket unix:" + socket, "ClamdSocket tcp:127.0.0.1:" + clamdPort,
                "PidFile " + av.resolve("clamav-milter.pid"), "User root", "OnInfected Reject", "AddHeader Replace",
                "LogFile " + av.resolve("clamav-milter.log"), ""));
        clamavMilter = Daemons.start("clamav-milter", List.of("/usr/sbin/clamav-milter", "-c", milterConf.toString()), av,
                Daemons.socketAt(socket), Duration.ofSeconds(30));

        gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(sink.port, "[]") + """
                filters:
                  inbound:
                    - type: milter
                      name: probe
                      address: inet:127.0.0.1:%d
                      timeout: 20s
                    - type: milter
                      name: clamav
                      address: unix:%s
                      timeout: 20s
                """.formatted(probePort, socket));
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {gateway, clamavMilter, clamd, probe, sink}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aMilterRefusesOneRecipientInTheDialogueAndItsChangesReachTheNextHop() throws Exception {
        int before = sink.messages().size();
        try (SmtpTalk talk = new SmtpTalk(gateway.port)) {
            talk.reply();
            talk.command("EHLO client.test");
            assertThat(talk.command("MAIL FROM:<a@sender.example.org>")).startsWith("250");
            assertThat(talk.command("RCPT TO:<blocked@example.com>")).isEqualTo("550 5.7.1 no such user here");
            assertThat(talk.command("RCPT TO:<user@example.com>")).startsWith("250");
            assertThat(talk.command("DATA")).startsWith("354");
            assertThat(talk.command("Subject: clean\r\n\r\nhello world\r\n.")).startsWith("250 2.0.0 Ok: queued as");
        }
        assertThat(Peers.await(Duration.ofSeconds(30), () -> sink.messages().size() > before)).isTrue();
        Path message = sink.messages().get(sink.messages().size() - 1);
        String relayed = Files.readString(message);
        assertThat(relayed).contains("X-Probe: added").contains("X-Virus-Status: Clean")
                .contains("replaced by the probe").doesNotContain("hello world");
        String envelope = Files.readString(Path.of(message.toString().replace(".eml", ".json")));
        assertThat(envelope).contains("user@example.com").contains("extra@example.com")
                .doesNotContain("blocked@example.com");
    }

    @Test
    void aVirusIsRefusedAtTheEndOfDataByTheDefaultPolicy() throws Exception {
        int before = sink.messages().size();
        try (SmtpTalk talk = new SmtpTalk(gateway.port)) {
            talk.reply();
            talk.command("EHLO client.test");
            talk.command("MAIL FROM:<a@sender.example.org>");
            talk.command("RCPT TO:<user@example.com>");
            talk.command("DATA");
            assertThat(talk.command("Subject: test\r\n\r\n" + EICAR + "\r\n."))
                    .isEqualTo("554 5.7.1 Virus found: Portcullis-Test-EICAR.UNOFFICIAL");
        }
        Thread.sleep(1500);
        assertThat(sink.messages()).hasSize(before);
        assertThat(gateway.logText()).contains("event=reject").contains("decided_by=\"rule 'viruses are refused'\"");
    }
}
