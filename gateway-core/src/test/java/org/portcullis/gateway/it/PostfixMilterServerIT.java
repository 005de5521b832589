package org.portcullis.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof of the milter server: a real Postfix from Debian, a private instance of its own
 * (never the system's), calls the packaged gateway as its {@code smtpd_milters}; the gateway's
 * chain is the python3-milter probe (adds X-Probe, replaces the body, adds a recipient, refuses
 * {@code <blocked@example.com>}) and clamav-milter in front of clamd with an EICAR signature,
 * under a policy that refuses viruses and tags subjects asking for it. Postfix relays to the
 * aiosmtpd sink — and what arrives there is what arrives when the same message is sent to the
 * gateway's own SMTP listener, relaying to the same sink; refusals reach Postfix's client with
 * Portcullis's exact replies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostfixMilterServerIT {

    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    private static final String POLICY = """
            rules:
              - name: viruses are refused
                priority: 10
                when: { virus: any }
                then: { reject: "554 5.7.1 Virus found: {virus}" }
              - name: subjects asking for it are tagged
                priority: 20
                when: { header.Subject: { matches: "tagme" } }
                then: { tag_subject: "[TAGGED]" }
            """;

    @TempDir
    static Path dir;
    private SinkProcess sink;
    private Daemons probe;
    private Daemons clamd;
    private Daemons clamavMilter;
    private GatewayProcess gateway;
    private Postfix postfix;
    private int milterPort;

    @BeforeAll
    void start() throws Exception {
        Daemons.require("/usr/sbin/postfix", "postfix");
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
                + java.util.HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n");
        int clamdPort = Peers.freePort();
        Path clamdConf = Files.writeString(av.resolve("clamd.conf"), String.join("\n", "Foreground yes",
                "TCPSocket " + clamdPort, "TCPAddr 127.0.0.1", "DatabaseDirectory " + db, "LogFile " + av.resolve("clamd.log"),
                "PidFile " + av.resolve("clamd.pid"), "User root", ""));
        clamd = Daemons.start("clamd", List.of("/usr/sbin/clamd", "-c", clamdConf.toString()), av,
                () -> Peers.portOpen(clamdPort), Duration.ofSeconds(60));
        Path socket = av.resolve("clamav-milter.sock");
        Path milterConf = Files.writeString(av.resolve("clamav-milter.conf"), String.join("\n", "Foreground yes",
                "MilterSocket unix:" + socket, "ClamdSocket tcp:127.0.0.1:" + clamdPort,
                "PidFile " + av.resolve("clamav-milter.pid"), "User root", "OnInfected Reject", "AddHeader Replace",
                "LogFile " + av.resolve("clamav-milter.log"), ""));
        clamavMilter = Daemons.start("clamav-milter", List.of("/usr/sbin/clamav-milter", "-c", milterConf.toString()), av,
                Daemons.socketAt(socket), Duration.ofSeconds(30));

        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        milterPort = Peers.freePort();
        gateway = GatewayProcess.start(dir.resolve("gw"), Configs.relayTo(sink.port, "[]") + """
                policy: %s
                milter_server:
                  address: inet:127.0.0.1:%d
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
                """.formatted(policy, milterPort, probePort, socket));
        postfix = Postfix.start(sink.port, milterPort);
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {postfix, gateway, clamavMilter, clamd, probe, sink}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void postfixDeliversTheMessageChangedExactlyAsPortcullisItselfWould() throws Exception {
        String message = "From: Alice <a@sender.example.org>\r\nTo: user@example.com\r\n"
                + "Subject: please tagme\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <parity@sender.example.org>\r\n"
                + "\r\nhello world\r\n";

        Path direct = send(gateway.port, message);
        Path viaPostfix = send(postfix.port, message);

        String a = Files.readString(direct);
        String b = Files.readString(viaPostfix);
        assertThat(b).contains("by mta.portcullis.test (Postfix)").as("it came through Postfix");
        assertThat(headers(b)).isEqualTo(headers(a)).contains("X-Probe: added", "Subject: [TAGGED] please tagme",
                "X-Virus-Status: Clean");
        assertThat(body(b)).isEqualTo(body(a)).isEqualTo("replaced by the probe\r\n");
        assertThat(recipients(viaPostfix)).isEqualTo(recipients(direct))
                .containsExactlyInAnyOrder("user@example.com", "extra@example.com");
    }

    @Test
    void postfixRefusesTheRecipientTheChainRefusesWithTheSameReply() throws Exception {
        try (SmtpTalk talk = new SmtpTalk(postfix.port)) {
            talk.reply();
            talk.command("EHLO client.test");
            assertThat(talk.command("MAIL FROM:<a@sender.example.org>")).startsWith("250");
            assertThat(talk.command("RCPT TO:<blocked@example.com>")).isEqualTo("550 5.7.1 no such user here");
            assertThat(talk.command("RCPT TO:<user@example.com>")).startsWith("250");
            talk.command("RSET");
            talk.command("QUIT");
        }
    }

    @Test
    void postfixRefusesAVirusWithPortcullissExactPolicyReply() throws Exception {
        int before = sink.messages().size();
        String queueId;
        try (SmtpTalk talk = new SmtpTalk(postfix.port)) {
            talk.reply();
            talk.command("EHLO client.test");
            talk.command("MAIL FROM:<a@sender.example.org>");
            talk.command("RCPT TO:<user@example.com>");
            assertThat(talk.command("DATA")).startsWith("354");
            assertThat(talk.command("From: a@sender.example.org\r\nSubject: test\r\n\r\n" + EICAR + "\r\n."))
                    .isEqualTo("554 5.7.1 Virus found: Portcullis-Test-EICAR.UNOFFICIAL");
            talk.command("QUIT");
        }
        Thread.sleep(1500);
        assertThat(sink.messages()).hasSize(before);
        assertThat(Peers.await(Duration.ofSeconds(10), () -> gateway.logText().contains("reason=quit")))
                .as("Postfix said Q and the server closed cleanly").isTrue();
        String log = gateway.logText();
        assertThat(log).contains("event=reject").contains("decided_by=\"rule 'viruses are refused'\"")
                .doesNotContain("milter_protocol_error");
        Matcher mta = Pattern.compile("event=reject .*stage=DATA.*mta_queue_id=([0-9A-Z]+)").matcher(log);
        assertThat(mta.find()).as("the gateway's log names Postfix's queue id").isTrue();
        queueId = mta.group(1);
        assertThat(postfix.log()).contains(queueId + ": milter-reject: END-OF-MESSAGE")
                .contains("Virus found: Portcullis-Test-EICAR.UNOFFICIAL");
    }

    /** Sends one message and returns the file the sink stored it in. */
    private Path send(int port, String message) throws Exception {
        int before = sink.messages().size();
        try (SmtpTalk talk = new SmtpTalk(port)) {
            talk.reply();
            talk.command("EHLO client.test");
            assertThat(talk.command("MAIL FROM:<a@sender.example.org>")).startsWith("250");
            assertThat(talk.command("RCPT TO:<user@example.com>")).startsWith("250");
            assertThat(talk.command("DATA")).startsWith("354");
            assertThat(talk.command(message + ".")).startsWith("250 2.0.0 Ok: queued as");
            talk.command("QUIT");
        }
        assertThat(Peers.await(Duration.ofSeconds(60), () -> sink.messages().size() > before))
                .as("delivered to the sink; postfix log:\n%s", postfix.log()).isTrue();
        return sink.messages().get(sink.messages().size() - 1);
    }

    /** The header fields, unfolded, without the Received lines (each MTA adds its own) and the probe's report of what it saw. */
    private static List<String> headers(String message) {
        String section = message.substring(0, message.indexOf("\r\n\r\n")).replaceAll("\r\n[ \t]+", " ");
        return Stream.of(section.split("\r\n"))
                .filter(f -> !f.toLowerCase(Locale.ROOT).startsWith("received:") && !f.startsWith("X-Seen:"))
                .toList();
    }

    private static String body(String message) {
        return message.substring(message.indexOf("\r\n\r\n") + 4);
    }

    private static List<String> recipients(Path message) throws IOException {
        String envelope = Files.readString(Path.of(message.toString().replace(".eml", ".json")));
        Matcher m = Pattern.compile("\"rcpt_tos\": \\[([^\\]]*)\\]").matcher(envelope);
        assertThat(m.find()).isTrue();
        return Stream.of(m.group(1).split(",")).map(s -> s.strip().replace("\"", "")).sorted().toList();
    }

    /**
     * A private Postfix instance: its own configuration, queue and data directories in a
     * temporary directory, started with {@code postfix -c DIR start} and always stopped with
     * {@code postfix -c DIR stop}; loopback only, relaying everything to the sink, no local
     * delivery, the gateway as its milter.
     */
    static final class Postfix implements AutoCloseable {
        final int port;
        private final Path base;
        private final Path config;

        private Postfix(int port, Path base) {
            this.port = port;
            this.base = base;
            this.config = base.resolve("etc");
        }

        static Postfix start(int sinkPort, int milterPort) throws IOException {
            // Postfix's daemons run as the postfix user and must reach their directories: not
            // under JUnit's owner-only temporary directory.
            Path base = Files.createTempDirectory("portcullis-postfix-");
            Postfix postfix = new Postfix(Peers.freePort(), base);
            try {
                postfix.configure(sinkPort, milterPort);
                Peers.Result started = Peers.exec(Duration.ofSeconds(60),
                        List.of("/usr/sbin/postfix", "-c", postfix.config.toString(), "start"));
                if (started.exitCode() != 0 || !Peers.await(Duration.ofSeconds(30), () -> Peers.portOpen(postfix.port))) {
                    throw new IllegalStateException("postfix did not start (" + started.exitCode() + "): "
                            + started.output() + "\n" + postfix.log());
                }
                return postfix;
            } catch (IOException | RuntimeException e) {
                postfix.close();
                throw e;
            }
        }

        private void configure(int sinkPort, int milterPort) throws IOException {
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(config);
            Files.createDirectories(base.resolve("queue"));
            Path data = Files.createDirectories(base.resolve("data"));
            UserPrincipal owner = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postfix");
            Files.setOwner(data, owner);
            Files.writeString(config.resolve("main.cf"), String.join("\n",
                    "compatibility_level = 3.6",
                    "queue_directory = " + base.resolve("queue"),
                    "data_directory = " + data,
                    "mail_owner = postfix",
                    "setgid_group = postdrop",
                    "inet_interfaces = loopback-only",
                    "inet_protocols = ipv4",
                    "myhostname = mta.portcullis.test",
                    "mydestination =",
                    "local_transport = error:local delivery is disabled",
                    "alias_maps =",
                    "alias_database =",
                    "relayhost = [127.0.0.1]:" + sinkPort,
                    "mynetworks = 127.0.0.0/8",
                    "smtpd_milters = inet:127.0.0.1:" + milterPort,
                    "milter_default_action = tempfail",
                    "milter_protocol = 6",
                    "smtp_tls_security_level = none",
                    "smtpd_tls_security_level = none",
                    "maillog_file = " + base.resolve("maillog"),
                    "maillog_file_prefixes = " + base,
                    ""));
            Files.writeString(config.resolve("master.cf"), String.join("\n",
                    "127.0.0.1:" + port + " inet n - n - - smtpd",
                    "cleanup   unix n - n - 0 cleanup",
                    "qmgr      unix n - n 300 1 qmgr",
                    "rewrite   unix - - n - - trivial-rewrite",
                    "bounce    unix - - n - 0 bounce",
                    "defer     unix - - n - 0 bounce",
                    "trace     unix - - n - 0 bounce",
                    "verify    unix - - n - 1 verify",
                    "proxymap  unix - - n - - proxymap",
                    "smtp      unix - - n - - smtp",
                    "relay     unix - - n - - smtp",
                    "showq     unix n - n - - showq",
                    "error     unix - - n - - error",
                    "retry     unix - - n - - error",
                    "discard   unix - - n - - discard",
                    "anvil     unix - - n - 1 anvil",
                    "scache    unix - - n - 1 scache",
                    "postlog   unix-dgram n - n - 1 postlogd",
                    ""));
        }

        String log() {
            return Peers.read(base.resolve("maillog"));
        }

        /** {@code postfix -c DIR stop}, waited for; then the directories go. */
        @Override
        public void close() throws IOException {
            if (Files.exists(config.resolve("main.cf"))) {
                Peers.exec(Duration.ofSeconds(60), List.of("/usr/sbin/postfix", "-c", config.toString(), "stop"));
                Path pid = base.resolve("queue/pid/master.pid");
                Peers.await(Duration.ofSeconds(20), () -> !Files.exists(pid) || !masterRunning(pid));
            }
            try (Stream<Path> all = Files.walk(base)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // A file Postfix was still letting go of; the directory is in /tmp.
            }
        }

        private static boolean masterRunning(Path pidFile) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            } catch (IOException | NumberFormatException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return "postfix on 127.0.0.1:" + port + " (" + base + ")";
        }
    }
}
