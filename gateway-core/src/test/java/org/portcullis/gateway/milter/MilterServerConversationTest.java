package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.chain.FilterCatalog;
import org.portcullis.gateway.chain.FilterChain;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.chain.PolicyJudge;
import org.portcullis.gateway.config.ConfigLoader;
import org.portcullis.gateway.config.GatewayConfig;
import org.portcullis.gateway.config.MilterServerConfig;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.milter.MilterCommand.ClientAddress;
import org.portcullis.gateway.relay.Cidr;
import org.portcullis.gateway.relay.ConfiguredRelayControl;
import org.portcullis.policy.Policy;

/**
 * The milter server on loopback, driven by our own milter client codec as an MTA would drive
 * it: what it answers at each step, byte for byte where it matters, across transactions,
 * aborts, {@code K} and {@code Q}, and what happens when the MTA breaks the protocol.
 */
class MilterServerConversationTest {

    /** Postfix 3.7's offer: every action, every step bit. */
    private static final MilterCommand.Negotiate POSTFIX = new MilterCommand.Negotiate(6, 0x1FF, 0x1FFFFF);

    @TempDir
    Path dir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private MilterServer server;
    private final List<Mta> mtas = new ArrayList<>();
    private MilterAddress address;

    @AfterEach
    void stop() {
        mtas.forEach(Mta::close);
        if (server != null) {
            server.close();
        }
    }

    private void start(String filters) throws Exception {
        start(filters, Policy.defaultPolicy(), c -> c);
    }

    private void start(String filters, Policy policy, java.util.function.UnaryOperator<MilterServerConfig> tweak)
            throws Exception {
        Path file = Files.writeString(dir.resolve("gw.yaml"), """
                listeners:
                  - address: 127.0.0.1:0
                relay:
                  accepted_domains: [example.com]
                  trusted_networks: [10.0.0.0/8]
                filters:
                  inbound:
                """ + filters.indent(4));
        GatewayConfig config = new ConfigLoader(Cidr::parse).load(file);
        FilterChain chain = FilterChain.build(config.chain(), FilterCatalog.load(null), registry);
        try (ServerSocket free = new ServerSocket(0)) {
            address = new MilterAddress.Inet("127.0.0.1", free.getLocalPort());
        }
        MilterServerConfig settings = tweak.apply(MilterServerConfig.defaults(address));
        var relay = new ConfiguredRelayControl(config.relay(), "gw.test", true, registry);
        server = new MilterServer(new MilterServerContext(settings, () -> new Gate(chain, new PolicyJudge(policy)),
                relay, new QueueIdGenerator(), dir), registry);
        server.start();
    }

    private Mta mta() throws Exception {
        java.net.Socket socket = new java.net.Socket();
        socket.connect(address.socketAddress(), 2000);
        Mta mta = new Mta(socket);
        mtas.add(mta);
        return mta;
    }

    private static MilterResponse.Negotiated negotiated(List<MilterResponse> replies) {
        return (MilterResponse.Negotiated) replies.get(0);
    }

    private double count(String meter, String... tags) {
        var found = registry.find(meter).tags(tags).counter();
        return found == null ? 0 : found.count();
    }

    @Test
    void answersAPostfixConversationStepByStep() throws Exception {
        start("- type: scripted\n  reject_rcpt: blocked@example.com\n"
                + "- type: mutating\n  mutations: [\"add_header X-Probe: added\", \"replace_body replaced\","
                + " \"add_rcpt extra@example.com NOTIFY=NEVER\"]\n");
        Mta mta = mta();

        MilterResponse.Negotiated o = negotiated(mta.ask(POSTFIX));
        assertThat(o).isEqualTo(ServerNegotiation.reply(ServerNegotiation.agree(POSTFIX)));
        mta.macros('C', "j", "mta.example", "{client_addr}", "192.0.2.1", "{client_name}", "client.example.org");
        assertThat(mta.ask(new MilterCommand.Connect("client.example.org", new ClientAddress('4', 4567, "192.0.2.1"))))
                .containsExactly(new MilterResponse.Continue());
        mta.macros('H');
        assertThat(mta.ask(new MilterCommand.Helo("client.example.org"))).containsExactly(new MilterResponse.Continue());
        assertThat(mta.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of("SIZE=100"))))
                .containsExactly(new MilterResponse.Continue());
        assertThat(mta.ask(new MilterCommand.Rcpt("<blocked@example.com>", List.of())))
                .containsExactly(new MilterResponse.ReplyCode(550, "5.1.1", "no such user here"));
        assertThat(mta.ask(new MilterCommand.Rcpt("<user@example.com>", List.of())))
                .containsExactly(new MilterResponse.Continue());
        mta.message("0Q1R2S3T4V5", " clean", "hello world\r\n");
        List<MilterResponse> end = mta.ask(new MilterCommand.EndOfMessage());

        assertThat(end).containsExactly(new MilterResponse.AddHeader("X-Probe", " added"),
                new MilterResponse.ReplaceBody("replaced\r\n".getBytes()),
                new MilterResponse.AddRecipient("<extra@example.com>", Optional.of("NOTIFY=NEVER")),
                new MilterResponse.Continue());
        mta.send(new MilterCommand.Abort());
        assertThat(mta.silentFor(Duration.ofMillis(300))).as("no answer to A").isTrue();

        // A second transaction on the same connection.
        assertThat(mta.ask(new MilterCommand.Mail("<b@sender.example.org>", List.of()))).containsExactly(new MilterResponse.Continue());
        assertThat(mta.ask(new MilterCommand.Rcpt("<user@example.com>", List.of()))).containsExactly(new MilterResponse.Continue());
        mta.message("0Q1R2S3T4V6", " second", "two\r\n");
        assertThat(mta.ask(new MilterCommand.EndOfMessage())).endsWith(new MilterResponse.Continue()).hasSize(4);

        mta.send(new MilterCommand.Quit());
        assertThat(mta.closedByServer()).isTrue();
        assertThat(count(MilterServerMetrics.COMMANDS, "stage", "rcpt")).isEqualTo(3);
        assertThat(count(MilterServerMetrics.DECISIONS, "stage", "rcpt", "decision", "replycode")).isEqualTo(1);
        assertThat(count(MilterServerMetrics.MODIFICATIONS, "type", "replace_body")).isEqualTo(2);
    }

    @Test
    void takesMacrosBeforeNegotiationAndBeforeEveryCommandAskedForOrNot() throws Exception {
        start("- type: scripted\n  reject_client: 198.51.100.7\n");
        Mta mta = mta();
        mta.macros('C', "{client_addr}", "198.51.100.7");
        mta.ask(POSTFIX);
        mta.macros('C', "{client_addr}", "198.51.100.7", "{daemon_name}", "unasked", "v", "Postfix 3.7.11");
        assertThat(mta.ask(new MilterCommand.Connect("unknown", ClientAddress.unknown())))
                .as("the address from {client_addr} when C has none")
                .containsExactly(new MilterResponse.ReplyCode(554, "5.7.1", "go away"));
    }

    @Test
    void choosesTheChainByTrustAsTheSmtpListenerDoes() throws Exception {
        start("- type: scripted\n  reject_rcpt: someone@elsewhere.example\n");
        Mta inbound = mta();
        inbound.ask(POSTFIX);
        inbound.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        inbound.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of()));
        assertThat(inbound.ask(new MilterCommand.Rcpt("<someone@elsewhere.example>", List.of())))
                .as("a stranger: inbound chain").containsExactly(new MilterResponse.ReplyCode(550, "5.1.1", "no such user here"));

        Mta trusted = mta();
        trusted.ask(POSTFIX);
        trusted.ask(new MilterCommand.Connect("host.example", new ClientAddress('4', 1, "10.1.2.3")));
        trusted.ask(new MilterCommand.Mail("<a@example.com>", List.of()));
        assertThat(trusted.ask(new MilterCommand.Rcpt("<someone@elsewhere.example>", List.of())))
                .as("a trusted network: outbound chain, empty").containsExactly(new MilterResponse.Continue());

        Mta authenticated = mta();
        authenticated.ask(POSTFIX);
        authenticated.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        authenticated.macros('M', "{auth_authen}", "alice");
        authenticated.ask(new MilterCommand.Mail("<alice@example.com>", List.of()));
        assertThat(authenticated.ask(new MilterCommand.Rcpt("<someone@elsewhere.example>", List.of())))
                .as("authenticated: outbound").containsExactly(new MilterResponse.Continue());
    }

    @Test
    void aFilterThatTimesOutTempfailsAsTheChainSays() throws Exception {
        start("- type: mutating\n  name: slow\n  sleep_mail: 3s\n  timeout: 300ms\n");
        Mta mta = mta();
        mta.ask(POSTFIX);
        mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        assertThat(mta.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of())))
                .containsExactly(new MilterResponse.ReplyCode(451, "4.7.1",
                        "Message filter slow is unavailable, try again later"));
    }

    @Test
    void tellsTheMtaItIsStillWorkingWhileTheEndOfMessageRunsLong() throws Exception {
        start("- type: mutating\n  sleep_eom: 1200ms\n  verdict: tempfail\n", Policy.defaultPolicy(),
                c -> new MilterServerConfig(c.address(), c.socketMode(), c.negotiateTimeout(), c.idleTimeout(),
                        c.writeTimeout(), Duration.ofMillis(250), c.maxConnections(), c.maxMessageSize()));
        Mta mta = mta();
        mta.ask(POSTFIX);
        mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        mta.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of()));
        mta.ask(new MilterCommand.Rcpt("<user@example.com>", List.of()));
        mta.message(null, " slow", "body\r\n");
        mta.send(new MilterCommand.EndOfMessage());
        List<MilterPacket> packets = mta.packetsUntilDecision();

        assertThat(packets.size()).isGreaterThanOrEqualTo(4);
        assertThat(packets.subList(0, packets.size() - 1)).allSatisfy(p -> assertThat(p.code()).isEqualTo('p'));
        assertThat(packets.get(packets.size() - 1).frame()).as("the reply, its % doubled on the wire")
                .isEqualTo(Bytes.of("00 00 00 1b 79", "451 4.7.1 try 100%% later\0"));
        assertThat(count(MilterServerMetrics.PROGRESS, "stage", "end_of_message")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void anOlderMtaWithoutNoReplyBitsGetsAnAnswerToEveryStep() throws Exception {
        start("");
        Mta mta = mta();
        MilterResponse.Negotiated o = negotiated(mta.ask(new MilterCommand.Negotiate(2, 0x3F, 0x7F)));
        assertThat(o.protocol()).isZero();
        mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        mta.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of()));
        mta.ask(new MilterCommand.Rcpt("<user@example.com>", List.of()));
        assertThat(mta.ask(new MilterCommand.Header("Subject", "hello\n folded"))).containsExactly(new MilterResponse.Continue());
        assertThat(mta.ask(new MilterCommand.EndOfHeaders())).containsExactly(new MilterResponse.Continue());
        assertThat(mta.ask(new MilterCommand.Body("x\r\n".getBytes()))).containsExactly(new MilterResponse.Continue());
        assertThat(mta.ask(new MilterCommand.EndOfMessage())).containsExactly(new MilterResponse.Continue());
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedAtItsEnd() throws Exception {
        start("", Policy.defaultPolicy(), c -> new MilterServerConfig(c.address(), c.socketMode(), c.negotiateTimeout(),
                c.idleTimeout(), c.writeTimeout(), c.progressInterval(), c.maxConnections(), 1024));
        Mta mta = mta();
        mta.ask(POSTFIX);
        mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        mta.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of()));
        mta.ask(new MilterCommand.Rcpt("<user@example.com>", List.of()));
        mta.message(null, " big", "x".repeat(3000) + "\r\n");
        assertThat(mta.ask(new MilterCommand.EndOfMessage()))
                .containsExactly(new MilterResponse.ReplyCode(552, "5.3.4", "Message size exceeds fixed limit of 1024 octets"));
        assertThat(count(MilterServerMetrics.LIMITS, "limit", "message_size")).isEqualTo(1);
    }

    @Test
    void aPacketOverTheAgreedSizeEndsTheConnection() throws Exception {
        start("");
        Mta mta = mta();
        mta.ask(POSTFIX);
        mta.raw(Bytes.of("00 01 00 01 42"));
        assertThat(mta.closedByServer()).isTrue();
        assertThat(count(MilterServerMetrics.CONNECTIONS, "result", "closed")).isEqualTo(1);
        assertThat(count(MilterServerMetrics.PROTOCOL_ERRORS, "command", "-")).isEqualTo(1);
    }

    @Test
    void anUnknownCommandOrACommandBeforeNegotiationIsAProtocolError() throws Exception {
        start("");
        Mta early = mta();
        early.send(new MilterCommand.Helo("x"));
        assertThat(early.closedByServer()).isTrue();
        Mta odd = mta();
        odd.ask(POSTFIX);
        odd.raw(Bytes.of("00 00 00 01 5a"));
        assertThat(odd.closedByServer()).isTrue();
        assertThat(count(MilterServerMetrics.PROTOCOL_ERRORS, "command", "Z")).isEqualTo(1);
        assertThat(count(MilterServerMetrics.PROTOCOL_ERRORS, "command", "H")).isEqualTo(1);
    }

    @Test
    void afterKTheConnectionServesTheMtasNextSession() throws Exception {
        start("- type: scripted\n  reject_client: 198.51.100.7\n");
        Mta mta = mta();
        mta.ask(POSTFIX);
        assertThat(mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7"))))
                .containsExactly(new MilterResponse.ReplyCode(554, "5.7.1", "go away"));
        mta.send(new MilterCommand.QuitNewConnection());
        assertThat(mta.silentFor(Duration.ofMillis(200))).isTrue();
        assertThat(mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.8"))))
                .containsExactly(new MilterResponse.Continue());
        mta.send(new MilterCommand.QuitNewConnection());
        assertThat(negotiated(mta.ask(POSTFIX))).as("or a fresh negotiation").isNotNull();
    }

    @Test
    void quarantineAndDiscardGoBackAsQAndD() throws Exception {
        start("- type: mutating\n  verdict: quarantine\n");
        Mta mta = mta();
        mta.ask(POSTFIX);
        mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        mta.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of()));
        mta.ask(new MilterCommand.Rcpt("<user@example.com>", List.of()));
        mta.message(null, " q", "q\r\n");
        assertThat(mta.ask(new MilterCommand.EndOfMessage())).containsExactly(
                new MilterResponse.Quarantine("held by the test"), new MilterResponse.Continue());
        stop();
        mtas.clear();

        start("- type: mutating\n  verdict: discard\n");
        Mta other = mta();
        other.ask(POSTFIX);
        other.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        other.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of()));
        other.ask(new MilterCommand.Rcpt("<user@example.com>", List.of()));
        other.message(null, " d", "d\r\n");
        assertThat(other.ask(new MilterCommand.EndOfMessage())).containsExactly(new MilterResponse.Discard());
    }

    @Test
    void aPolicyRuleReadsTheHeadersAsReceivedAndTagsTheSubject() throws Exception {
        Policy policy = Policy.parse("tag.yaml", new StringReader("""
                rules:
                  - name: tag me
                    when: { header.Subject: { matches: "tagme" } }
                    then: { tag_subject: "[TAGGED]" }
                """));
        start("", policy, c -> c);
        Mta mta = mta();
        mta.ask(POSTFIX);
        mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        mta.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of()));
        mta.ask(new MilterCommand.Rcpt("<user@example.com>", List.of()));
        mta.message(null, " please tagme\n now", "b\r\n");
        assertThat(mta.ask(new MilterCommand.EndOfMessage())).containsExactly(
                new MilterResponse.ChangeHeader(1, "Subject", " [TAGGED] please tagme now"), new MilterResponse.Continue());
    }

    @Test
    void listensOnAUnixSocketThatTheMtasGroupMayUse() throws Exception {
        Path socket = dir.resolve("milter.sock");
        Files.writeString(dir.resolve("placeholder"), "");
        start("", Policy.defaultPolicy(), c -> new MilterServerConfig(new MilterAddress.Unix(socket), "0660",
                c.negotiateTimeout(), c.idleTimeout(), c.writeTimeout(), c.progressInterval(), c.maxConnections(),
                c.maxMessageSize()));
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(java.nio.file.attribute.PosixFilePermissions
                .fromString("rw-rw----"));
        try (SocketTransport mta = SocketTransport.connect(new MilterAddress.Unix(socket), Duration.ofSeconds(2))) {
            mta.send(POSTFIX.packet(), Duration.ofSeconds(2));
            assertThat(ResponseDecoder.decode(mta.receive(Duration.ofSeconds(5))))
                    .isEqualTo(ServerNegotiation.reply(ServerNegotiation.agree(POSTFIX)));
            mta.send(new MilterCommand.Connect("localhost", new ClientAddress('L', 0, "/run/postfix.sock")).packet(),
                    Duration.ofSeconds(2));
            assertThat(ResponseDecoder.decode(mta.receive(Duration.ofSeconds(5)))).isEqualTo(new MilterResponse.Continue());
            mta.send(new MilterCommand.Quit().packet(), Duration.ofSeconds(2));
            assertThatThrownBy(() -> mta.receive(Duration.ofSeconds(5))).isInstanceOf(EOFException.class);
        }
        server.close();
        assertThat(socket).as("the socket goes with the server").doesNotExist();
    }

    @Test
    void closesConnectionsBeyondMaxConnectionsAtOnce() throws Exception {
        start("", Policy.defaultPolicy(), c -> new MilterServerConfig(c.address(), c.socketMode(), c.negotiateTimeout(),
                c.idleTimeout(), c.writeTimeout(), c.progressInterval(), 1, c.maxMessageSize()));
        Mta first = mta();
        first.ask(POSTFIX);
        Mta second = mta();
        assertThat(second.closedByServer()).isTrue();
        assertThat(first.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7"))))
                .containsExactly(new MilterResponse.Continue());
        assertThat(count(MilterServerMetrics.LIMITS, "limit", "connections")).isEqualTo(1);
    }

    @Test
    void aRefusedHeloIsRefusedAndTheMtaMayGreetAgain() throws Exception {
        start("- type: scripted\n  reject_helo: evil.example\n");
        Mta mta = mta();
        mta.ask(POSTFIX);
        mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
        assertThat(mta.ask(new MilterCommand.Helo("evil.example")))
                .containsExactly(new MilterResponse.ReplyCode(550, "5.7.1", "HELO name refused"));
        assertThat(mta.ask(new MilterCommand.Helo("good.example"))).containsExactly(new MilterResponse.Continue());
    }

    @Test
    void warnsOncePerMessageThatArchivesAndRoutesAreTheMtasBusinessHere() throws Exception {
        Policy policy = Policy.parse("archive.yaml", new StringReader("""
                rules:
                  - name: keep a copy
                    when: { header.Subject: { matches: "contract" } }
                    then: [ { copy_to_archive: legal }, { route: internal } ]
                """));
        start("", policy, c -> c);
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("milterd");
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            Mta mta = mta();
            mta.ask(POSTFIX);
            mta.ask(new MilterCommand.Connect("unknown", new ClientAddress('4', 1, "198.51.100.7")));
            mta.ask(new MilterCommand.Mail("<a@sender.example.org>", List.of()));
            mta.ask(new MilterCommand.Rcpt("<user@example.com>", List.of()));
            mta.message("0Q1R2S3T4V7", " the contract", "c\r\n");
            assertThat(mta.ask(new MilterCommand.EndOfMessage())).containsExactly(new MilterResponse.Continue());
            // The server logs after it has answered.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline && List.copyOf(appender.list).stream()
                    .noneMatch(e -> e.getFormattedMessage().contains("event=milter_policy_not_honoured"))) {
                Thread.sleep(20);
            }
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
        List<String> warnings = List.copyOf(appender.list).stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .filter(l -> l.contains("event=milter_policy_not_honoured")).toList();
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).startsWith("queue_id=")
                .doesNotStartWith("queue_id=-").contains("archives=legal", "route=internal"));
        assertThat(List.copyOf(appender.list).stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage))
                .anySatisfy(l -> assertThat(l).startsWith("queue_id=").contains("event=accepted",
                        "mta_queue_id=0Q1R2S3T4V7"));
    }

    @Test
    void closingTheServerEndsItsSessions() throws Exception {
        start("");
        Mta mta = mta();
        mta.ask(POSTFIX);
        server.close();
        assertThat(mta.closedByServer()).isTrue();
        assertThatThrownBy(() -> mta()).isInstanceOf(IOException.class);
    }

    /** Our client codec playing the MTA, over a plain socket so that it can also send bytes no codec would. */
    private static final class Mta implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.InputStream in;
        private final PacketDecoder decoder = new PacketDecoder();
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();

        Mta(java.net.Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = socket.getInputStream();
        }

        void send(MilterCommand command) throws IOException {
            raw(command.packet().frame());
        }

        void raw(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        void macros(char stage, String... nameValue) throws IOException {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < nameValue.length; i += 2) {
                values.put(nameValue[i], nameValue[i + 1]);
            }
            send(new MilterCommand.Macros(stage, values));
        }

        MilterPacket receive() throws IOException, MilterProtocolException {
            while (true) {
                Optional<MilterPacket> packet = decoder.next(buffer);
                if (packet.isPresent()) {
                    return packet.get();
                }
                buffer.clear();
                int n = in.read(buffer.array(), 0, buffer.capacity());
                if (n < 0) {
                    throw new EOFException("the server closed the connection");
                }
                buffer.limit(n);
            }
        }

        /** Sends a command and reads the reply: everything up to and including the decision (or the O). */
        List<MilterResponse> ask(MilterCommand command) throws Exception {
            send(command);
            List<MilterResponse> out = new ArrayList<>();
            while (true) {
                MilterResponse r = ResponseDecoder.decode(receive());
                out.add(r);
                if (r instanceof MilterResponse.Decision || r instanceof MilterResponse.Negotiated) {
                    return out;
                }
            }
        }

        List<MilterPacket> packetsUntilDecision() throws Exception {
            List<MilterPacket> out = new ArrayList<>();
            while (true) {
                MilterPacket p = receive();
                out.add(p);
                if (ResponseDecoder.decode(p) instanceof MilterResponse.Decision) {
                    return out;
                }
            }
        }

        /** Headers (value as with HDR_LEADSPC) and body, without replies (NR_HDR, NR_EOH, NR_BODY). */
        void message(String queueId, String subject, String body) throws IOException {
            if (queueId != null) {
                macros('L', "i", queueId);
            }
            send(new MilterCommand.Header("Subject", subject));
            send(new MilterCommand.Header("From", " a@sender.example.org"));
            send(new MilterCommand.EndOfHeaders());
            send(new MilterCommand.Body(body.getBytes()));
        }

        /** Whether nothing arrives within {@code wait}. */
        boolean silentFor(Duration wait) throws IOException {
            if (buffer.hasRemaining()) {
                return false;
            }
            socket.setSoTimeout((int) wait.toMillis());
            try {
                in.read();
                return false;
            } catch (java.net.SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(10_000);
            }
        }

        boolean closedByServer() {
            try {
                socket.setSoTimeout(5000);
                while (true) {
                    receive();
                }
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            } catch (MilterProtocolException e) {
                return false;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // The test is over.
            }
        }
    }
}
