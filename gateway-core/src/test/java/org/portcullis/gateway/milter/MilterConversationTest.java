package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.ContentSource;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.StageResult;
import org.portcullis.filter.Verdict;

/** A whole milter conversation against scripted bytes: what we send, byte for byte, and what the answers become. */
class MilterConversationTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScriptedTransport milter = new ScriptedTransport();
    private final Connection client = Messages.connection("192.0.2.1", 4567);
    private final Envelope envelope = Messages.envelope(client, "a@sender.example.org", Map.of("SIZE", "100"));

    private static byte[] negotiated(int actions, int protocol) {
        return new MilterPacket('O', ByteBuffer.allocate(12).putInt(6).putInt(actions).putInt(protocol).array()).frame();
    }

    private MailFilter session(Map<String, List<String>> macros) {
        MilterSettings settings = new MilterSettings("probe", MilterAddress.parse("inet:127.0.0.1:1"),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), macros, "gw.example", "portcullis",
                1024, 1 << 20, Path.of(System.getProperty("java.io.tmpdir")));
        return new MilterFilter(settings, registry, (address, timeout) -> milter).forSession();
    }

    private MailFilter session() {
        // Only i at MAIL, nothing elsewhere: keeps the expected bytes short.
        Map<String, List<String>> macros = new LinkedHashMap<>();
        MilterSettings.MACRO_STAGES.forEach(stage -> macros.put(stage, List.of()));
        macros.put("mail", List.of("i"));
        return session(macros);
    }

    private double count(String meter, String... tags) {
        var search = registry.find(meter).tags(tags);
        return search.counter() == null ? 0 : search.counter().count();
    }

    @Test
    void speaksTheCapturedTransactionAndTranslatesEveryModification() throws Exception {
        milter.on('O', negotiated(0x1FF, 0x400)).decide('C', 'c').decide('H', 'c').decide('M', 'c')
                .on('R', Bytes.of("00 00 00 1d 79", "550 5.7.1 no such user here\0")).decide('R', 'c')
                .decide('T', 'c').decide('L', 'c').decide('N', 'c').decide('B', 'c')
                .on('E', Bytes.of("00 00 00 0f 68", "X-Probe\0added\0"),
                        Bytes.of("00 00 00 1d 6d 00 00 00 01", "Subject\0changed subject\0"),
                        Bytes.of("00 00 00 14 69 00 00 00 00", "X-Top\0inserted\0"),
                        Bytes.of("00 00 00 1e 65", "<new@sender.example>\0SIZE=10\0"),
                        Bytes.of("00 00 00 22 32", "<extra@example.com>\0NOTIFY=NEVER\0"),
                        Bytes.of("00 00 00 11 2d", "<u@example.com>\0"),
                        Bytes.of("00 00 00 0e 71", "probe reason\0"),
                        Bytes.of("00 00 00 0b 62", "new body\r\n"),
                        Bytes.of("00 00 00 01 61"));
        MailFilter filter = session();

        assertThat(filter.onConnect(client)).isEqualTo(StageResult.proceed());
        assertThat(filter.onHelo(client)).isEqualTo(StageResult.proceed());
        assertThat(filter.onMailFrom(envelope)).isEqualTo(StageResult.proceed());
        StageResult bad = filter.onRcptTo(envelope, Messages.recipient("bad@example.com"));
        StageResult good = filter.onRcptTo(envelope, Messages.recipient("u@example.com"));
        Envelope withRcpt = Messages.envelope(client, "a@sender.example.org", Map.of("SIZE", "100"), "u@example.com");
        var message = Messages.message(withRcpt, "Subject: hello\r\n\r\nline one\r\nline two\r\n");
        assertThat(filter.onHeaders(withRcpt, message.headers())).isEqualTo(StageResult.proceed());
        StageResult end = filter.onEndOfMessage(message);
        filter.close();

        assertThat(bad.verdict()).contains(new Verdict.Reject(550, "5.7.1", "no such user here"));
        assertThat(bad.findings()).containsExactly(Finding.of("milter.probe", "reject: 550 5.7.1 no such user here"));
        assertThat(good).isEqualTo(StageResult.proceed());
        assertThat(end.verdict()).contains(Verdict.quarantine("probe reason"));
        assertThat(end.findings()).containsExactly(Finding.of("milter.probe", "quarantine: probe reason"));
        List<Mutation> mutations = end.mutations();
        assertThat(mutations.subList(0, 6)).containsExactly(
                new Mutation.AddHeader("X-Probe", "added"),
                new Mutation.ChangeHeader("Subject", 1, "changed subject"),
                new Mutation.InsertHeader(0, "X-Top", "inserted"),
                new Mutation.ChangeSender(new Address("new", "sender.example")),
                new Mutation.AddRecipient(new Address("extra", "example.com"), Map.of("NOTIFY", "NEVER")),
                new Mutation.RemoveRecipient(new Address("u", "example.com")));
        assertThat(mutations.get(6)).isInstanceOf(Mutation.ReplaceBody.class);
        try (var in = ((Mutation.ReplaceBody) mutations.get(6)).body().open()) {
            assertThat(in.readAllBytes()).isEqualTo("new body\r\n".getBytes());
        }
        assertThat(milter.sent()).containsExactly(
                Bytes.of("00 00 00 0d 4f 00 00 00 06 00 00 01 ff 30 1f f7 ff"),
                Bytes.of("00 00 00 21 43", "client.example.org\0", "0x3411d7", "192.0.2.1\0"),
                Bytes.of("00 00 00 14 48", "client.example.org\0"),
                Bytes.of("00 00 00 10 44", "Mi\0" + Messages.QUEUE_ID + "\0"),
                Bytes.of("00 00 00 21 4d", "<a@sender.example.org>\0SIZE=100\0"),
                Bytes.of("00 00 00 13 52", "<bad@example.com>\0"),
                Bytes.of("00 00 00 11 52", "<u@example.com>\0"),
                Bytes.of("00 00 00 01 54"),
                Bytes.of("00 00 00 0f 4c", "Subject\0hello\0"),
                Bytes.of("00 00 00 01 4e"),
                Bytes.of("00 00 00 15 42", "line one\r\nline two\r\n"),
                Bytes.of("00 00 00 01 45"),
                Bytes.of("00 00 00 01 51"));
        assertThat(milter.closed()).isTrue();
        assertThat(count(MilterMetrics.DECISIONS, "stage", "rcpt", "decision", "replycode")).isEqualTo(1);
        assertThat(count(MilterMetrics.MODIFICATIONS, "type", "replace_body")).isEqualTo(1);
        assertThat(count(MilterMetrics.COMMANDS, "stage", "end_of_message")).isEqualTo(1);
        assertThat(count(MilterMetrics.CONNECTIONS, "result", "opened")).isEqualTo(1);
        assertThat(registry.find(MilterMetrics.STAGE_TIME).tags("milter", "probe", "stage", "rcpt").timer().count()).isEqualTo(2);
    }

    @Test
    void sendsTheConfiguredMacrosWithTheirValuesAndOnlyKnownOnes() {
        milter.on('O', negotiated(0x1FF, 0)).decide('C', 'c').decide('M', 'c').decide('R', 'c');
        Connection tls = new Connection(client.address(), 4567, client.reverseName(), client.helo(),
                java.util.Optional.of("TLSv1.3 with cipher TLS_AES_128_GCM_SHA256"), java.util.Optional.of("alice"), true);
        MailFilter filter = session(MilterSettings.DEFAULT_MACROS);

        filter.onConnect(tls);
        Envelope env = Messages.envelope(tls, "a@sender.example.org", Map.of());
        filter.onMailFrom(env);
        filter.onRcptTo(env, Messages.recipient("b@example.com"));

        assertThat(milter.sent().get(1)).isEqualTo(new MilterCommand.Macros('C', ordered(
                "j", "gw.example", "{daemon_name}", "portcullis", "v", "Portcullis", "_", "client.example.org [192.0.2.1]",
                "{client_addr}", "192.0.2.1", "{client_name}", "client.example.org", "{client_port}", "4567",
                "{client_ptr}", "client.example.org")).packet().frame());
        assertThat(milter.sentCodes()).containsExactly('O', 'D', 'C', 'D', 'M', 'D', 'R');
        assertThat(milter.sent().get(3)).isEqualTo(new MilterCommand.Macros('M', ordered(
                "i", Messages.QUEUE_ID, "{auth_authen}", "alice", "{mail_addr}", "a@sender.example.org")).packet().frame());
        assertThat(milter.sent().get(5)).isEqualTo(new MilterCommand.Macros('R', ordered(
                "i", Messages.QUEUE_ID, "{rcpt_addr}", "b@example.com")).packet().frame());
    }

    @Test
    void sendsTlsMacrosAtHelo() {
        milter.on('O', negotiated(0, 0)).decide('C', 'c').decide('H', 'c');
        Connection tls = new Connection(client.address(), 4567, client.reverseName(), client.helo(),
                java.util.Optional.of("TLSv1.3 with cipher TLS_AES_128_GCM_SHA256"), java.util.Optional.empty(), false);
        MailFilter filter = session(MilterSettings.DEFAULT_MACROS);

        filter.onHelo(tls);

        assertThat(milter.sent().get(3)).isEqualTo(new MilterCommand.Macros('H', ordered(
                "{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_128_GCM_SHA256")).packet().frame());
    }

    @Test
    void sendsOnlyTheMacrosOfTheMiltersSymbolList() {
        byte[] reply = new MilterPacket('O', ByteBuffer.allocate(12 + 4 + 16).putInt(6).putInt(0x101).putInt(0)
                .putInt(0).put("{client_addr} j\0".getBytes()).array()).frame();
        milter.on('O', reply).decide('C', 'c');
        MailFilter filter = session(MilterSettings.DEFAULT_MACROS);

        filter.onConnect(client);

        assertThat(milter.sent().get(1)).isEqualTo(new MilterCommand.Macros('C', ordered(
                "{client_addr}", "192.0.2.1", "j", "gw.example")).packet().frame());
    }

    @Test
    void skipsTheStepsTheMilterSwitchedOffAndWaitsForNoReplyItWillNotSend() {
        int bits = MilterProtocol.NOHELO | MilterProtocol.NR_RCPT | MilterProtocol.NR_HDR | MilterProtocol.NOBODY
                | MilterProtocol.NODATA;
        milter.on('O', negotiated(0x1FF, bits)).decide('C', 'c').decide('M', 'c').decide('N', 'c').decide('E', 'c');
        MailFilter filter = session();
        Envelope env = Messages.envelope(client, "a@sender.example.org", Map.of(), "b@example.com");
        var message = Messages.message(env, "Subject: hi\r\nFrom: a@sender.example.org\r\n\r\nbody\r\n");

        filter.onConnect(client);
        filter.onHelo(client);
        filter.onMailFrom(env);
        filter.onRcptTo(env, Messages.recipient("b@example.com"));
        filter.onHeaders(env, message.headers());
        StageResult end = filter.onEndOfMessage(message);

        assertThat(end).isEqualTo(StageResult.proceed());
        assertThat(milter.sentCodes()).containsExactly('O', 'C', 'D', 'M', 'R', 'L', 'L', 'N', 'E');
        assertThat(count(MilterMetrics.TIMEOUTS)).isZero();
    }

    @Test
    void sendsTheBodyInChunksOfTheAgreedSizeAndStopsOnSkip() {
        milter.on('O', negotiated(0, MilterProtocol.SKIP)).decide('C', 'c').decide('M', 'c').decide('T', 'c')
                .decide('L', 'c').decide('N', 'c').decide('B', 'c').decide('B', 'c').decide('B', 'c').decide('E', 'c');
        MailFilter filter = session();
        String body = "x".repeat(998) + "\r\n";
        var message = Messages.message(envelope, "Subject: big\r\n\r\n" + body.repeat(150));

        filter.onMailFrom(envelope);
        filter.onEndOfMessage(message);

        List<Integer> chunks = new ArrayList<>();
        for (byte[] frame : milter.sent()) {
            if (frame[4] == 'B') {
                chunks.add(frame.length - 5);
            }
        }
        assertThat(chunks).containsExactly(65_535, 65_535, 150_000 - 2 * 65_535);

        ScriptedTransport skipping = new ScriptedTransport();
        skipping.on('O', negotiated(0, MilterProtocol.SKIP)).decide('C', 'c').decide('M', 'c').decide('T', 'c')
                .decide('L', 'c').decide('N', 'c').decide('B', 's').decide('E', 'c');
        MilterSettings settings = MilterSettings.defaults("skip", MilterAddress.parse("inet:127.0.0.1:1"), "gw");
        MailFilter second = new MilterFilter(settings, registry, (a, t) -> skipping).forSession();
        second.onMailFrom(envelope);
        second.onEndOfMessage(message);
        assertThat(skipping.sentCodes().stream().filter(c -> c == 'B')).hasSize(1);
        assertThat(skipping.sentCodes()).endsWith('E');
    }

    @Test
    void abortsARefusedTransactionBeforeTheNextAndQuitsAtTheEnd() {
        milter.on('O', negotiated(0, 0)).decide('C', 'c').decide('M', 'r').decide('M', 'c').decide('R', 'c');
        MailFilter filter = session();

        StageResult refused = filter.onMailFrom(envelope);
        StageResult next = filter.onMailFrom(envelope);
        filter.onRcptTo(envelope, Messages.recipient("b@example.com"));
        filter.close();

        assertThat(refused.verdict()).contains(new Verdict.Reject(550, "5.7.1", ReplyTranslator.REJECT_TEXT));
        assertThat(next).isEqualTo(StageResult.proceed());
        assertThat(milter.sentCodes()).containsExactly('O', 'C', 'D', 'M', 'A', 'D', 'M', 'R', 'A', 'Q');
    }

    @Test
    void absorbsProgressAndRestartsTheWaitEachTime() {
        milter.on('O', negotiated(0x1, 0)).decide('C', 'c').decide('M', 'c').decide('T', 'c').decide('L', 'c')
                .decide('N', 'c').decide('B', 'c')
                .on('E', MilterPacket.of('p').frame(), MilterPacket.of('p').frame(),
                        Bytes.of("00 00 00 0f 68", "X-Probe\0added\0"), MilterPacket.of('p').frame(), MilterPacket.of('c').frame());
        MailFilter filter = session();
        var message = Messages.message(envelope, "Subject: s\r\n\r\nb\r\n");

        filter.onMailFrom(envelope);
        StageResult end = filter.onEndOfMessage(message);

        assertThat(end.mutations()).containsExactly(new Mutation.AddHeader("X-Probe", "added"));
        assertThat(end.verdict()).isEmpty();
        assertThat(milter.receiveTimeouts().subList(milter.receiveTimeouts().size() - 5, milter.receiveTimeouts().size()))
                .containsOnly(Duration.ofSeconds(3));
    }

    @Test
    void sendsHeaderValuesWithoutTheLeadingSpaceAndFoldedLinesWithLineFeeds() {
        milter.on('O', negotiated(0, 0)).decide('C', 'c').decide('M', 'c').decide('T', 'c').decide('L', 'c')
                .decide('L', 'c').decide('N', 'c');
        MailFilter filter = session();
        var message = Messages.message(envelope, "Subject: one\r\n\ttwo\r\nX-Tab:\tvalue\r\n\r\n");

        filter.onMailFrom(envelope);
        filter.onHeaders(envelope, message.headers());

        assertThat(milter.sent().get(5)).isEqualTo(new MilterCommand.Header("Subject", "one\n\ttwo").packet().frame());
        assertThat(milter.sent().get(6)).isEqualTo(new MilterCommand.Header("X-Tab", "\tvalue").packet().frame());
        assertThat(MilterSessionFilter.headerValue(" kept", true)).isEqualTo(" kept");
    }

    @Test
    void acceptAtConnectEndsTheMiltersPartInTheSession() {
        milter.on('O', negotiated(0, 0)).decide('C', 'a');
        MailFilter filter = session();

        assertThat(filter.onConnect(client).verdict()).contains(new Verdict.Accept());
        assertThat(filter.onHelo(client)).isEqualTo(StageResult.proceed());
        assertThat(filter.onMailFrom(envelope)).isEqualTo(StageResult.proceed());
        assertThat(filter.onEndOfMessage(Messages.message(envelope, "S: x\r\n\r\n"))).isEqualTo(StageResult.proceed());
        filter.close();

        assertThat(milter.sentCodes()).containsExactly('O', 'C', 'Q');
    }

    @Test
    void aDiscardBeforeTheEndStandsAtTheEndWithoutTalkingToTheMilterAgain() {
        milter.on('O', negotiated(0, 0)).decide('C', 'c').decide('M', 'c').decide('T', 'd');
        MailFilter filter = session();
        var message = Messages.message(envelope, "Subject: s\r\n\r\nb\r\n");

        filter.onMailFrom(envelope);
        StageResult data = filter.onHeaders(envelope, message.headers());
        StageResult end = filter.onEndOfMessage(message);

        assertThat(data.verdict()).contains(Verdict.discard());
        assertThat(end.verdict()).contains(Verdict.discard());
        assertThat(milter.sentCodes()).containsExactly('O', 'C', 'D', 'M', 'T');
    }

    @Test
    void tempfailsWith421AndStopsAfterConnectionFailure() {
        milter.on('O', negotiated(0, 0)).decide('C', 'c').decide('M', 'f');
        MailFilter filter = session();

        StageResult failed = filter.onMailFrom(envelope);
        StageResult after = filter.onRcptTo(envelope, Messages.recipient("b@example.com"));

        assertThat(failed.verdict()).contains(new Verdict.Tempfail(421, "4.7.0", ReplyTranslator.CONNECTION_FAILURE_TEXT));
        assertThat(after).isEqualTo(StageResult.proceed());
        assertThat(milter.sentCodes()).containsExactly('O', 'C', 'D', 'M', 'Q');
    }

    @Test
    void mapsTempfailAndReplyCodesWithTheirExactText() {
        milter.on('O', negotiated(0, 0)).decide('C', 'c').decide('M', 'c').decide('R', 't')
                .on('R', Bytes.of("00 00 00 15 79", "451 4.3.2 try later\0"))
                .on('R', Bytes.of("00 00 00 0d 79", "554 go away\0"));
        MailFilter filter = session();
        filter.onMailFrom(envelope);

        assertThat(filter.onRcptTo(envelope, Messages.recipient("a@example.com")).verdict())
                .contains(new Verdict.Tempfail(451, "4.7.1", ReplyTranslator.TEMPFAIL_TEXT));
        assertThat(filter.onRcptTo(envelope, Messages.recipient("b@example.com")).verdict())
                .contains(new Verdict.Tempfail(451, "4.3.2", "try later"));
        assertThat(filter.onRcptTo(envelope, Messages.recipient("c@example.com")).verdict())
                .contains(new Verdict.Reject(554, "5.7.1", "go away"));
    }

    @Test
    void aModificationBeforeTheEndIsAProtocolErrorAndTheSessionFailsFastAfterwards() {
        milter.on('O', negotiated(0x1FF, 0)).decide('C', 'c')
                .on('M', Bytes.of("00 00 00 0f 68", "X-Probe\0added\0"), MilterPacket.of('c').frame());
        MailFilter filter = session();

        assertThatThrownBy(() -> filter.onMailFrom(envelope)).isInstanceOf(MilterUnavailableException.class)
                .hasMessageContaining("outside end of message")
                .extracting(e -> ((MilterUnavailableException) e).reason())
                .isEqualTo(MilterUnavailableException.Reason.PROTOCOL_ERROR);
        assertThatThrownBy(() -> filter.onRcptTo(envelope, Messages.recipient("b@example.com")))
                .extracting(e -> ((MilterUnavailableException) e).reason())
                .isEqualTo(MilterUnavailableException.Reason.FAILED_EARLIER);
        assertThat(milter.closed()).isTrue();
        assertThat(count(MilterMetrics.PROTOCOL_ERRORS, "stage", "mail")).isEqualTo(1);
    }

    @Test
    void aModificationWithoutItsActionIsAProtocolError() {
        milter.on('O', negotiated(MilterProtocol.ADDHDRS, 0)).decide('C', 'c').decide('M', 'c')
                .decide('T', 'c').decide('L', 'c').decide('N', 'c').decide('B', 'c')
                .on('E', Bytes.of("00 00 00 11 2b", "<x@example.com>\0"), MilterPacket.of('c').frame());
        MailFilter filter = session();
        filter.onMailFrom(envelope);

        assertThatThrownBy(() -> filter.onEndOfMessage(Messages.message(envelope, "S: x\r\n\r\nb\r\n")))
                .hasMessageContaining("without the action negotiated");
    }

    @Test
    void aReplyWhereNoneIsDueIsAProtocolError() {
        milter.on('O', negotiated(0, MilterProtocol.NR_CONN));
        MailFilter filter = session();
        filter.onConnect(client);
        milter.unsolicited(MilterPacket.of('c').frame());

        assertThatThrownBy(() -> filter.onMailFrom(envelope)).hasMessageContaining("reply where none was due");
    }

    @Test
    void aSkipOutsideTheBodyIsAProtocolError() {
        milter.on('O', negotiated(0, MilterProtocol.SKIP)).decide('C', 's');
        MailFilter filter = session();

        assertThatThrownBy(() -> filter.onConnect(client)).hasMessageContaining("skip");
    }

    @Test
    void silenceTripsTheCommandTimeout() {
        milter.on('O', negotiated(0, 0));
        MailFilter filter = session();

        assertThatThrownBy(() -> filter.onConnect(client)).isInstanceOf(MilterUnavailableException.class)
                .hasMessageContaining("no answer to connect within PT2S")
                .extracting(e -> ((MilterUnavailableException) e).reason())
                .isEqualTo(MilterUnavailableException.Reason.TIMEOUT);
        assertThat(count(MilterMetrics.TIMEOUTS, "stage", "connect", "timeout", "command")).isEqualTo(1);
        assertThat(milter.closed()).isTrue();
    }

    @Test
    void aMilterThatHangsUpIsUnavailable() {
        milter.on('O', negotiated(0, 0)).hangUp();

        assertThatThrownBy(() -> session().onConnect(client)).isInstanceOf(MilterUnavailableException.class)
                .extracting(e -> ((MilterUnavailableException) e).reason())
                .isEqualTo(MilterUnavailableException.Reason.CONNECTION_LOST);
    }

    @Test
    void refusesANegotiationReplyOutsideTheOffer() {
        milter.on('O', negotiated(0, MilterProtocol.RCPT_REJ));

        assertThatThrownBy(() -> session().onConnect(client)).hasMessageContaining("protocol bits 0x800");
        assertThat(count(MilterMetrics.CONNECTIONS, "result", "rejected")).isEqualTo(1);
    }

    @Test
    void theSharedInstanceIsOnlyAFactoryOfSessions() {
        MilterFilter shared = new MilterFilter(MilterSettings.defaults("m", MilterAddress.parse("unix:/nowhere"), "gw"), registry);

        assertThatThrownBy(() -> shared.onConnect(client)).isInstanceOf(IllegalStateException.class);
        assertThat(shared.forSession()).isNotSameAs(shared.forSession());
    }

    @Test
    void aRefusalAtTheEndDropsTheChangesButKeepsTheVirusFinding() throws Exception {
        ReplyTranslator translator = new ReplyTranslator("clamav");
        var mods = List.<MilterResponse.Modification>of(
                new MilterResponse.InsertHeader(1, "X-Virus-Scanned", "clamav-milter 1.4.6 at vm"),
                new MilterResponse.InsertHeader(1, "X-Virus-Status", "Infected (Eicar-Signature)"));

        StageResult result = translator.endOfMessage(mods, new MilterResponse.Reject(), false,
                new BodyReplacement(10, Path.of(System.getProperty("java.io.tmpdir"))));

        assertThat(result.verdict()).contains(new Verdict.Reject(550, "5.7.1", ReplyTranslator.REJECT_TEXT));
        assertThat(result.mutations()).isEmpty();
        assertThat(result.findings()).contains(new Finding.Virus("Eicar-Signature", ""));
    }

    @Test
    void anEmptyChangedValueDeletesAndFoldedValuesKeepTheirFoldsAsCrlf() throws Exception {
        ReplyTranslator translator = new ReplyTranslator("m");
        var mods = List.<MilterResponse.Modification>of(
                new MilterResponse.ChangeHeader(0, "X-Old", ""),
                new MilterResponse.AddHeader("DKIM-Signature", " v=1; a=rsa-sha256;\n\tb=abc\n\t def"));

        StageResult result = translator.endOfMessage(mods, new MilterResponse.Continue(), true,
                new BodyReplacement(10, Path.of(System.getProperty("java.io.tmpdir"))));

        assertThat(result.mutations()).containsExactly(new Mutation.DeleteHeader("X-Old", 1),
                new Mutation.AddHeader("DKIM-Signature", "v=1; a=rsa-sha256;\r\n\tb=abc\r\n\t def"));
    }

    @Test
    void aLargeReplacementBodyGoesToATemporaryFileRemovedAtTheNextTransaction(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        byte[] chunk = "0123456789".repeat(100).getBytes();
        ScriptedTransport replacing = new ScriptedTransport();
        replacing.on('O', negotiated(MilterProtocol.CHGBODY, 0)).decide('C', 'c').decide('M', 'c').decide('T', 'c')
                .decide('L', 'c').decide('N', 'c').decide('B', 'c')
                .on('E', new MilterPacket('b', chunk).frame(), new MilterPacket('b', chunk).frame(), MilterPacket.of('c').frame())
                .decide('M', 'c');
        MilterSettings settings = new MilterSettings("big", MilterAddress.parse("inet:127.0.0.1:1"), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of(), "gw", "portcullis", 1500, 1 << 20, tmp);
        MailFilter filter = new MilterFilter(settings, registry, (a, t) -> replacing).forSession();
        filter.onMailFrom(envelope);

        StageResult end = filter.onEndOfMessage(Messages.message(envelope, "S: x\r\n\r\nb\r\n"));

        ContentSource body = ((Mutation.ReplaceBody) end.mutations().getFirst()).body();
        try (var in = body.open()) {
            assertThat(in.readAllBytes()).hasSize(2000);
        }
        assertThat(java.nio.file.Files.list(tmp)).hasSize(1);
        filter.onMailFrom(envelope);
        assertThat(java.nio.file.Files.list(tmp)).isEmpty();
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
