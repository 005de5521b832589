package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;

/**
 * clamav-milter in front of clamd, both from Debian, on loopback: clamd listens on a TCP port
 * with a one-signature database the test writes (EICAR as a body signature; no official
 * signatures exist offline), and clamav-milter listens on a Unix socket, which is the
 * transport under test here.
 */
class MilterClamavTest {

    // Built from two halves so this source file is not itself taken for the test virus.
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-" + "ANTIVIRUS-TEST-FILE!$H+H*";
    private static final String SIGNATURE = "Portcullis-Test-EICAR.UNOFFICIAL";

    @TempDir
    static Path dir;

    private static Daemon clamd;
    private static Daemon clamavMilter;
    private static Path socket;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Connection client = Messages.connection("192.0.2.1", 40000);

    @BeforeAll
    static void startScanner() throws Exception {
        Daemon.require("/usr/sbin/clamd", "clamav-daemon");
        Daemon.require("/usr/sbin/clamav-milter", "clamav-milter");
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("portcullis-test.ndb"),
                "Portcullis-Test-EICAR:0:*:" + HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n");
        int clamdPort = Daemon.freePort();
        Path clamdConf = Files.writeString(dir.resolve("clamd.conf"), String.join("\n",
                "DatabaseDirectory " + db,
                "TCPSocket " + clamdPort,
                "TCPAddr 127.0.0.1",
                "Foreground true",
                "LogFile " + dir.resolve("clamd.log"),
                "PidFile " + dir.resolve("clamd.pid"),
                "TemporaryDirectory " + dir,
                "Bytecode false",
                "SelfCheck 0",
                "") );
        clamd = Daemon.start("clamd", List.of("/usr/sbin/clamd", "-c", clamdConf.toString()), dir,
                new MilterAddress.Inet("127.0.0.1", clamdPort), Duration.ofSeconds(60));
        socket = dir.resolve("clamav-milter.sock");
        Path milterConf = Files.writeString(dir.resolve("clamav-milter.conf"), String.join("\n",
                "MilterSocket unix:" + socket,
                "ClamdSocket tcp:127.0.0.1:" + clamdPort,
                "Foreground true",
                "PidFile " + dir.resolve("clamav-milter.pid"),
                "TemporaryDirectory " + dir,
                "OnClean Accept",
                "OnInfected Reject",
                "OnFail Defer",
                "AddHeader Add",
                "LogFile " + dir.resolve("clamav-milter.log"),
                "LogInfected Basic",
                ""));
        clamavMilter = Daemon.start("clamav-milter", List.of("/usr/sbin/clamav-milter", "-c", milterConf.toString()), dir,
                Daemon.unix(socket), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopScanner() {
        if (clamavMilter != null) {
            clamavMilter.close();
        }
        if (clamd != null) {
            clamd.close();
        }
    }

    private StageResult scan(String body) {
        MilterSettings settings = MilterSettings.defaults("clamav", MilterAddress.parse("unix:" + socket), "gw.example")
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));
        MailFilter session = new MilterFilter(settings, registry).forSession();
        Envelope env = Messages.envelope(client, "a@sender.example.org", Map.of(), "u@example.com");
        var message = Messages.message(env, "From: a@sender.example.org\r\nTo: u@example.com\r\nSubject: scan me\r\n"
                + "Message-ID: <1@sender.example.org>\r\n\r\n" + body);
        try {
            session.onConnect(client);
            session.onHelo(client);
            session.onMailFrom(env);
            session.onRcptTo(env, Messages.recipient("u@example.com"));
            session.onHeaders(env, message.headers());
            return session.onEndOfMessage(message);
        } finally {
            session.close();
        }
    }

    @Test
    void rejectsAMessageCarryingEicarAndNamesTheVirus() {
        StageResult result = scan("Have a look:\r\n" + EICAR + "\r\n");

        assertThat(result.verdict()).contains(new Verdict.Reject(550, "5.7.1", ReplyTranslator.REJECT_TEXT));
        assertThat(result.findings()).contains(new Finding.Virus(SIGNATURE, ""),
                Finding.of("milter.clamav", "reject: 550 5.7.1 " + ReplyTranslator.REJECT_TEXT));
        assertThat(result.mutations()).isEmpty();
        assertThat(registry.find(MilterMetrics.DECISIONS).tags("stage", "end_of_message", "decision", "reject")
                .counter().count()).isEqualTo(1);
    }

    @Test
    void acceptsACleanMessageAndMarksItClean() {
        StageResult result = scan("Nothing to see here.\r\n");

        assertThat(result.verdict()).contains(new Verdict.Accept());
        assertThat(result.findings()).isEmpty();
        assertThat(result.mutations()).contains(new Mutation.InsertHeader(1, "X-Virus-Status", "Clean"));
        assertThat(result.mutations()).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Mutation.InsertHeader.class,
                h -> assertThat(h.name()).isEqualTo("X-Virus-Scanned")));
    }
}
