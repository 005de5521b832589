package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.milter.MilterUnavailableException.Reason;

/**
 * Against a real libmilter milter: the python3-milter script {@code milter/probe_milter.py},
 * started on a loopback port. It adds a header, replaces the body, adds a recipient with
 * parameters and refuses one recipient, and tells (in X-Seen) what it received from us.
 */
class MilterPythonTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    static Path dir;

    private static int port;
    private static Daemon milter;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Connection client = new Connection(java.net.InetAddress.getLoopbackAddress(), 40123,
            Optional.of("client.example.org"), Optional.of("client.example.org"), Optional.empty(), Optional.of("alice"), true);

    @BeforeAll
    static void startMilter() throws Exception {
        Daemon.require(PYTHON, "python3");
        Daemon.requireFile("/usr/lib/python3/dist-packages/Milter/__init__.py", "python3-milter");
        port = Daemon.freePort();
        milter = startProbe(port);
    }

    @AfterAll
    static void stopMilter() {
        if (milter != null) {
            milter.close();
        }
    }

    private static Daemon startProbe(int port) throws Exception {
        Path script = Path.of(MilterPythonTest.class.getResource("/milter/probe_milter.py").toURI());
        return Daemon.start("probe-milter", List.of(PYTHON, script.toString(), "inet:" + port + "@127.0.0.1"), dir,
                new MilterAddress.Inet("127.0.0.1", port), Duration.ofSeconds(15));
    }

    private MilterFilter filter(int port, Duration command, Duration content) {
        MilterSettings settings = MilterSettings.defaults("probe", new MilterAddress.Inet("127.0.0.1", port), "gw.example")
                .withTimeouts(Duration.ofSeconds(2), command, content);
        return new MilterFilter(settings, registry);
    }

    private MilterFilter filter() {
        return filter(port, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private static String seen(StageResult end) {
        return end.mutations().stream().filter(m -> m instanceof Mutation.AddHeader h && h.name().equals("X-Seen"))
                .map(m -> ((Mutation.AddHeader) m).value()).findFirst().orElseThrow();
    }

    @Test
    void addsAHeaderReplacesTheBodyAddsARecipientAndRefusesOneRecipient() throws Exception {
        MailFilter session = filter().forSession();
        Envelope env = Messages.envelope(client, "a@sender.example.org", Map.of("SIZE", "100"));
        String raw = "From: a@sender.example.org\r\nSubject: hello\r\n\tfolded\r\n\r\nline one\r\nline two\r\n";
        try {
            assertThat(session.onConnect(client)).isEqualTo(StageResult.proceed());
            assertThat(session.onHelo(client)).isEqualTo(StageResult.proceed());
            assertThat(session.onMailFrom(env)).isEqualTo(StageResult.proceed());
            StageResult blocked = session.onRcptTo(env, Messages.recipient("blocked@example.com"));
            StageResult fine = session.onRcptTo(env, Messages.recipient("u@example.com"));
            Envelope accepted = Messages.envelope(client, "a@sender.example.org", Map.of("SIZE", "100"), "u@example.com");
            var message = Messages.message(accepted, raw);
            assertThat(session.onHeaders(accepted, message.headers())).isEqualTo(StageResult.proceed());
            StageResult end = session.onEndOfMessage(message);

            assertThat(blocked.verdict()).contains(new Verdict.Reject(550, "5.7.1", "no such user here"));
            assertThat(blocked.findings()).containsExactly(Finding.of("milter.probe", "reject: 550 5.7.1 no such user here"));
            assertThat(fine).isEqualTo(StageResult.proceed());
            assertThat(end.verdict()).isEmpty();
            assertThat(end.mutations()).hasSize(4);
            assertThat(end.mutations().get(1)).isEqualTo(new Mutation.AddHeader("X-Probe", "added"));
            // In the order the milter called smfi_addheader, smfi_replacebody, smfi_addrcpt_par.
            assertThat(end.mutations().get(3)).isEqualTo(
                    new Mutation.AddRecipient(new Address("extra", "example.com"), Map.of("NOTIFY", "NEVER")));
            Mutation.ReplaceBody body = (Mutation.ReplaceBody) end.mutations().get(2);
            try (InputStream in = body.body().open()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("replaced by the probe\r\n");
            }
            String seen = seen(end);
            assertThat(seen).contains("\"connect\": [\"client.example.org\", \"2\", [\"127.0.0.1\", 40123]]")
                    .contains("\"{client_addr}\": \"127.0.0.1\"", "\"j\": \"gw.example\"", "\"{daemon_name}\": \"portcullis\"")
                    .contains("\"mail\": [\"<a@sender.example.org>\", \"SIZE=100\"]")
                    .contains("\"i\": \"" + Messages.QUEUE_ID + "\"", "\"{auth_authen}\": \"alice\"",
                            "\"{mail_addr}\": \"a@sender.example.org\"")
                    .contains("\"rcpt\": [\"<u@example.com>\"]")
                    .contains("[\"From\", \"a@sender.example.org\"], [\"Subject\", \"hello\\n\\tfolded\"]")
                    .contains("\"body_bytes\": 20");
        } finally {
            session.close();
        }
        assertThat(registry.find(MilterMetrics.DECISIONS).tags("stage", "rcpt", "decision", "replycode").counter().count())
                .isEqualTo(1);
        assertThat(registry.find(MilterMetrics.MODIFICATIONS).tags("type", "add_recipient").counter().count()).isEqualTo(1);
    }

    @Test
    void runsSeveralTransactionsOnOneConnection() {
        MailFilter session = filter().forSession();
        try {
            session.onConnect(client);
            for (int i = 0; i < 3; i++) {
                Envelope env = Messages.envelope(client, "n" + i + "@sender.example.org", Map.of(), "u@example.com");
                session.onMailFrom(env);
                session.onRcptTo(env, Messages.recipient("u@example.com"));
                StageResult end = session.onEndOfMessage(Messages.message(env, "Subject: m" + i + "\r\n\r\nbody\r\n"));
                assertThat(seen(end)).contains("\"mail\": [\"<n" + i + "@sender.example.org>\"]")
                        .contains("[\"Subject\", \"m" + i + "\"]");
            }
        } finally {
            session.close();
        }
        assertThat(registry.find(MilterMetrics.CONNECTIONS).tags("result", "opened").counter().count()).isEqualTo(1);
    }

    @Test
    void progressKeepsASlowMilterWithinTheContentTimeout() {
        MailFilter session = filter(port, Duration.ofSeconds(5), Duration.ofMillis(1000)).forSession();
        Envelope env = Messages.envelope(client, "a@sender.example.org", Map.of(), "u@example.com");
        try {
            session.onMailFrom(env);
            session.onRcptTo(env, Messages.recipient("u@example.com"));
            long start = System.nanoTime();
            StageResult end = session.onEndOfMessage(Messages.message(env, "Subject: slow\r\n\r\nbody\r\n"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
            assertThat(end.mutations()).isNotEmpty();
        } finally {
            session.close();
        }
    }

    @Test
    void aMilterThatIsDownFailsTheStageQuickly() {
        MailFilter session = filter(Daemon.freePort(), Duration.ofSeconds(5), Duration.ofSeconds(5)).forSession();
        long start = System.nanoTime();

        assertThatThrownBy(() -> session.onConnect(client)).isInstanceOf(MilterUnavailableException.class)
                .hasMessageContaining("cannot connect to inet:127.0.0.1:")
                .extracting(e -> ((MilterUnavailableException) e).reason()).isEqualTo(Reason.UNREACHABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThatThrownBy(() -> session.onHelo(client)).extracting(e -> ((MilterUnavailableException) e).reason())
                .isEqualTo(Reason.FAILED_EARLIER);
        session.close();
        assertThat(registry.find(MilterMetrics.CONNECTIONS).tags("result", "refused").counter().count()).isEqualTo(1);
    }

    @Test
    void aMilterThatStopsAnsweringTripsTheCommandTimeoutAndTheNextSessionAfterARestartWorks() throws Exception {
        int ownPort = Daemon.freePort();
        Daemon own = startProbe(ownPort);
        try {
            MilterFilter filter = filter(ownPort, Duration.ofMillis(500), Duration.ofSeconds(5));
            MailFilter hanging = filter.forSession();
            hanging.onConnect(client);
            long start = System.nanoTime();
            assertThatThrownBy(() -> hanging.onMailFrom(Messages.envelope(client, "hang@sender.example.org", Map.of())))
                    .isInstanceOf(MilterUnavailableException.class).hasMessageContaining("no answer to mail within PT0.5S")
                    .extracting(e -> ((MilterUnavailableException) e).reason()).isEqualTo(Reason.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
            hanging.close();
            assertThat(registry.find(MilterMetrics.TIMEOUTS).tags("stage", "mail", "timeout", "command").counter().count())
                    .isEqualTo(1);

            own.close();
            own = startProbe(ownPort);
            MailFilter next = filter.forSession();
            try {
                Envelope env = Messages.envelope(client, "a@sender.example.org", Map.of(), "u@example.com");
                assertThat(next.onConnect(client)).isEqualTo(StageResult.proceed());
                assertThat(next.onMailFrom(env)).isEqualTo(StageResult.proceed());
                assertThat(next.onRcptTo(env, Messages.recipient("u@example.com"))).isEqualTo(StageResult.proceed());
                assertThat(next.onEndOfMessage(Messages.message(env, "Subject: again\r\n\r\nbody\r\n")).mutations())
                        .contains(new Mutation.AddHeader("X-Probe", "added"));
            } finally {
                next.close();
            }
        } finally {
            own.close();
        }
    }
}
