package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.gateway.milter.MilterCommand.ClientAddress;

/**
 * The server's direction of the codec byte for byte, without a network: commands as an MTA
 * sends them (the fixtures are MILTER.md §9's captured bytes where it has them) and the
 * responses we send back.
 */
class MilterServerCodecTest {

    private static MilterCommand command(byte[] wire) throws MilterProtocolException {
        PacketDecoder decoder = new PacketDecoder();
        ByteBuffer in = ByteBuffer.wrap(wire);
        MilterPacket packet = decoder.next(in).orElseThrow();
        assertThat(in.hasRemaining()).as("packet length covers exactly the bytes").isFalse();
        return CommandDecoder.decode(packet);
    }

    private static byte[] wire(MilterResponse response) {
        return ResponseEncoder.encode(response).frame();
    }

    // --- negotiation ---

    @Test
    void decodesTheMtasOffer() throws Exception {
        assertThat(command(Bytes.of("00 00 00 0d 4f 00 00 00 06 00 00 01 ff 00 1f ff ff")))
                .isEqualTo(new MilterCommand.Negotiate(6, 0x1FF, 0x1FFFFF));
    }

    @Test
    void answersPostfixsOfferWithTheStepsAndActionsWeUseAndOurMacroLists() throws Exception {
        Agreement agreement = ServerNegotiation.agree(new MilterCommand.Negotiate(6, 0x1FF, 0x1FFFFF));

        assertThat(wire(ServerNegotiation.reply(agreement))).isEqualTo(Bytes.of(
                "00 00 00 93 4f 00 00 00 06 00 00 01 ff 00 1f 03 80",
                "0x00000000", "{client_addr} {client_port} {client_name} {client_resolve}\0",
                "0x00000001", "{tls_version} {cipher}\0",
                "0x00000002", "i {auth_authen}\0",
                "0x00000003", "i\0", "0x00000004", "i\0", "0x00000005", "i\0", "0x00000006", "i\0"));
        assertThat(agreement.sends(Step.DATA)).isFalse();
        assertThat(agreement.sends(Step.UNKNOWN)).isFalse();
        assertThat(agreement.sends(Step.HEADER)).isTrue();
        assertThat(agreement.awaitsReply(Step.HEADER)).isFalse();
        assertThat(agreement.awaitsReply(Step.END_OF_HEADERS)).isFalse();
        assertThat(agreement.awaitsReply(Step.BODY)).isFalse();
        assertThat(agreement.awaitsReply(Step.RCPT)).isTrue();
        assertThat(agreement.leadingSpace()).isTrue();
    }

    @Test
    void asksOnlyForWhatAnOlderMtaOffers() throws Exception {
        Agreement agreement = ServerNegotiation.agree(new MilterCommand.Negotiate(2, 0x3F, 0x7F));

        assertThat(wire(ServerNegotiation.reply(agreement)))
                .isEqualTo(Bytes.of("00 00 00 0d 4f 00 00 00 02 00 00 00 3f 00 00 00 00"));
        assertThat(agreement.awaitsReply(Step.HEADER)).isTrue();
        assertThat(agreement.sends(Step.DATA)).as("v2 has no DATA step bit to switch off").isTrue();
        assertThat(agreement.allows(MilterProtocol.CHGFROM)).isFalse();
    }

    @Test
    void neverAsksForMoreThanTheOfferAndNeverAHigherVersion() throws Exception {
        for (int version = 2; version <= 8; version++) {
            for (int[] offer : new int[][] {{0, 0}, {0x1FF, 0x1FFFFF}, {0x0A5, 0x1ABCDE}, {0x100, 0x3FFFFFFF}}) {
                Agreement a = ServerNegotiation.agree(new MilterCommand.Negotiate(version, offer[0], offer[1]));
                assertThat(a.version()).isLessThanOrEqualTo(version).isLessThanOrEqualTo(6);
                assertThat(a.actions() & ~offer[0]).isZero();
                assertThat(a.protocol() & ~offer[1]).isZero();
                assertThat(a.maxDataSize()).as("we never ask for bigger packets").isEqualTo(65_535);
            }
        }
    }

    @Test
    void refusesAnMtaOlderThanVersion2() {
        assertThatThrownBy(() -> ServerNegotiation.agree(new MilterCommand.Negotiate(1, 0x1F, 0x7F)))
                .isInstanceOf(MilterProtocolException.class).hasMessageContaining("version 1");
    }

    // --- commands ---

    @Test
    void decodesMacrosForAStage() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("{client_addr}", "192.0.2.1");
        values.put("j", "mta.example");
        assertThat(command(Bytes.of("00 00 00 28 44 43", "{client_addr}\0", "192.0.2.1\0j\0mta.example\0")))
                .isEqualTo(new MilterCommand.Macros('C', values));
        assertThat(command(Bytes.of("00 00 00 02 44 48"))).isEqualTo(new MilterCommand.Macros('H', Map.of()));
    }

    @Test
    void decodesTheConnectOfEveryFamily() throws Exception {
        assertThat(command(Bytes.of("00 00 00 21 43", "client.example.org\0", "0x34 11 d7", "192.0.2.1\0")))
                .isEqualTo(new MilterCommand.Connect("client.example.org", new ClientAddress('4', 4567, "192.0.2.1")));
        assertThat(command(Bytes.of("00 00 00 23 43", "client.example.org\0", "0x36 11 d7", "2001:db8::1\0")))
                .isEqualTo(new MilterCommand.Connect("client.example.org", new ClientAddress('6', 4567, "2001:db8::1")));
        assertThat(command(Bytes.of("00 00 00 28 43", "client.example.org\0", "0x36 11 d7", "IPv6:2001:db8::1\0")))
                .as("Sendmail's IPv6: prefix").isEqualTo(new MilterCommand.Connect("client.example.org",
                        new ClientAddress('6', 4567, "2001:db8::1")));
        assertThat(command(Bytes.of("00 00 00 1c 43", "mta.example\0", "0x4c 00 00", "/run/x.sock\0")))
                .isEqualTo(new MilterCommand.Connect("mta.example", new ClientAddress('L', 0, "/run/x.sock")));
        assertThat(command(Bytes.of("00 00 00 0a 43", "unknown\0", "0x55")))
                .isEqualTo(new MilterCommand.Connect("unknown", ClientAddress.unknown()));
    }

    @Test
    void decodesTheEnvelopeCommandsWithTheirParameters() throws Exception {
        assertThat(command(Bytes.of("00 00 00 0d 48", "client.test\0"))).isEqualTo(new MilterCommand.Helo("client.test"));
        assertThat(command(Bytes.of("00 00 00 21 4d", "<a@sender.example.org>\0SIZE=100\0")))
                .isEqualTo(new MilterCommand.Mail("<a@sender.example.org>", List.of("SIZE=100")));
        assertThat(command(Bytes.of("00 00 00 13 52", "<bad@example.com>\0")))
                .isEqualTo(new MilterCommand.Rcpt("<bad@example.com>", List.of()));
        assertThat(command(Bytes.of("00 00 00 01 54"))).isEqualTo(new MilterCommand.Data());
    }

    @Test
    void decodesHeadersWithFoldedValuesAndTheBodyRaw() throws Exception {
        assertThat(command(Bytes.of("00 00 00 0f 4c", "Subject\0hello\0"))).isEqualTo(new MilterCommand.Header("Subject", "hello"));
        assertThat(command(Bytes.of("00 00 00 1d 4c", "Subject\0 hello\n folded part\0")))
                .isEqualTo(new MilterCommand.Header("Subject", " hello\n folded part"));
        assertThat(command(Bytes.of("00 00 00 01 4e"))).isEqualTo(new MilterCommand.EndOfHeaders());
        MilterCommand body = command(Bytes.of("00 00 00 15 42", "line one\r\nline two\r\n"));
        assertThat(((MilterCommand.Body) body).chunk()).isEqualTo(Bytes.of("", "line one\r\nline two\r\n"));
        assertThat(command(Bytes.of("00 00 00 01 45"))).isEqualTo(new MilterCommand.EndOfMessage());
        assertThat(command(Bytes.of("00 00 00 03 45", "x\n"))).as("bytes in E are a last chunk")
                .isEqualTo(new MilterCommand.EndOfMessage());
    }

    @Test
    void decodesTheCommandsWithoutData() throws Exception {
        assertThat(command(Bytes.of("00 00 00 01 41"))).isEqualTo(new MilterCommand.Abort());
        assertThat(command(Bytes.of("00 00 00 01 51"))).isEqualTo(new MilterCommand.Quit());
        assertThat(command(Bytes.of("00 00 00 01 4b"))).isEqualTo(new MilterCommand.QuitNewConnection());
        assertThat(command(Bytes.of("00 00 00 0a 55", "XFOO bar\0"))).isEqualTo(new MilterCommand.Unknown("XFOO bar"));
    }

    @Test
    void everyCommandTheClientEncodesDecodesToItself() throws Exception {
        List<MilterCommand> all = List.of(new MilterCommand.Negotiate(6, 0x1FF, 0x1FFFFF),
                new MilterCommand.Macros('M', Map.of("i", "C42A220C010")),
                new MilterCommand.Connect("localhost", new ClientAddress('4', 55736, "127.0.0.1")),
                new MilterCommand.Helo("client.test"), new MilterCommand.Mail("<>", List.of("BODY=8BITMIME", "SIZE=9")),
                new MilterCommand.Rcpt("<u@example.com>", List.of("NOTIFY=NEVER")), new MilterCommand.Data(),
                new MilterCommand.Header("X-A", " b"), new MilterCommand.EndOfHeaders(), new MilterCommand.EndOfMessage(),
                new MilterCommand.Abort(), new MilterCommand.Unknown("XYZZY"), new MilterCommand.Quit(),
                new MilterCommand.QuitNewConnection());
        for (MilterCommand c : all) {
            assertThat(command(c.packet().frame())).isEqualTo(c);
        }
    }

    @Test
    void refusesBrokenCommands() {
        assertThatThrownBy(() -> command(Bytes.of("00 00 00 01 5a"))).isInstanceOf(MilterProtocolException.class)
                .hasMessageContaining("unknown command code 'Z'");
        assertThatThrownBy(() -> command(Bytes.of("00 00 00 07 43", "host\0", "0x34")))
                .hasMessageContaining("too short for its port");
        assertThatThrownBy(() -> command(Bytes.of("00 00 00 08 43", "host\0", "0x37 00")))
                .hasMessageContaining("unknown address family '7'");
        assertThatThrownBy(() -> command(Bytes.of("00 00 00 04 4d", "<a@"))).hasMessageContaining("no terminating NUL");
        assertThatThrownBy(() -> command(Bytes.of("00 00 00 05 44 43", "i\0x"))).hasMessageContaining("value of macro i");
        assertThatThrownBy(() -> command(Bytes.of("00 00 00 02 41 00"))).hasMessageContaining("unexpected bytes");
        assertThatThrownBy(() -> command(Bytes.of("00 00 00 09 4f 00 00 00 06 00 00 01 ff")))
                .hasMessageContaining("too short for its protocol");
    }

    @Test
    void refusesAPacketOverTheAgreedSizeBeforeReadingIt() throws Exception {
        PacketDecoder decoder = new PacketDecoder();
        decoder.maxDataSize(ServerNegotiation.agree(safeOffer()).maxDataSize());
        // A body chunk of 65,536 bytes: one more than the default limit; only the length has arrived.
        ByteBuffer in = ByteBuffer.wrap(Bytes.of("00 01 00 01 42"));
        assertThatThrownBy(() -> decoder.next(in)).isInstanceOf(MilterProtocolException.class)
                .hasMessage("packet of 65536 data bytes is over the agreed limit of 65535");
    }

    private static MilterCommand.Negotiate safeOffer() {
        return new MilterCommand.Negotiate(6, 0x1FF, 0x1FFFFF);
    }

    // --- responses ---

    @Test
    void encodesTheDecisions() {
        assertThat(wire(new MilterResponse.Continue())).isEqualTo(Bytes.of("00 00 00 01 63"));
        assertThat(wire(new MilterResponse.Accept())).isEqualTo(Bytes.of("00 00 00 01 61"));
        assertThat(wire(new MilterResponse.Reject())).isEqualTo(Bytes.of("00 00 00 01 72"));
        assertThat(wire(new MilterResponse.Tempfail())).isEqualTo(Bytes.of("00 00 00 01 74"));
        assertThat(wire(new MilterResponse.Discard())).isEqualTo(Bytes.of("00 00 00 01 64"));
        assertThat(wire(new MilterResponse.ConnectionFailure())).isEqualTo(Bytes.of("00 00 00 01 66"));
        assertThat(wire(new MilterResponse.Skip())).isEqualTo(Bytes.of("00 00 00 01 73"));
        assertThat(wire(new MilterResponse.Progress())).isEqualTo(Bytes.of("00 00 00 01 70"));
    }

    @Test
    void encodesAReplyExactlyWithPercentDoubled() {
        assertThat(wire(new MilterResponse.ReplyCode(550, "5.7.1", "no such user here")))
                .isEqualTo(Bytes.of("00 00 00 1d 79", "550 5.7.1 no such user here\0"));
        assertThat(wire(new MilterResponse.ReplyCode(550, "5.7.1", "100% sure")))
                .isEqualTo(Bytes.of("00 00 00 16 79", "550 5.7.1 100%% sure\0"));
        assertThat(wire(new MilterResponse.ReplyCode(554, "5.7.1", "Virus found: X")))
                .isEqualTo(Bytes.of("00 00 00 1a 79", "554 5.7.1 Virus found: X\0"));
    }

    @Test
    void encodesTheModificationsOfTheCapture() {
        assertThat(wire(new MilterResponse.AddHeader("X-Probe", "added")))
                .isEqualTo(Bytes.of("00 00 00 0f 68", "X-Probe\0added\0"));
        assertThat(wire(new MilterResponse.ChangeHeader(1, "Subject", "changed subject")))
                .isEqualTo(Bytes.of("00 00 00 1d 6d 00 00 00 01", "Subject\0changed subject\0"));
        assertThat(wire(new MilterResponse.InsertHeader(0, "X-Top", "inserted")))
                .isEqualTo(Bytes.of("00 00 00 14 69 00 00 00 00", "X-Top\0inserted\0"));
        assertThat(wire(new MilterResponse.ChangeSender("<new@sender.example>", Optional.of("SIZE=10"))))
                .isEqualTo(Bytes.of("00 00 00 1e 65", "<new@sender.example>\0SIZE=10\0"));
        assertThat(wire(new MilterResponse.AddRecipient("<extra@example.com>", Optional.of("NOTIFY=NEVER"))))
                .isEqualTo(Bytes.of("00 00 00 22 32", "<extra@example.com>\0NOTIFY=NEVER\0"));
        assertThat(wire(new MilterResponse.DeleteRecipient("<u@example.com>")))
                .isEqualTo(Bytes.of("00 00 00 11 2d", "<u@example.com>\0"));
        assertThat(wire(new MilterResponse.Quarantine("probe reason")))
                .isEqualTo(Bytes.of("00 00 00 0e 71", "probe reason\0"));
        assertThat(wire(new MilterResponse.ReplaceBody(Bytes.of("", "new body\r\n"))))
                .isEqualTo(Bytes.of("00 00 00 0b 62", "new body\r\n"));
    }

    @Test
    void encodesTheShortFormsAndADeletion() {
        assertThat(wire(new MilterResponse.AddRecipient("<extra@example.com>", Optional.empty())))
                .isEqualTo(Bytes.of("00 00 00 15 2b", "<extra@example.com>\0"));
        assertThat(wire(new MilterResponse.ChangeSender("<>", Optional.empty())))
                .isEqualTo(Bytes.of("00 00 00 04 65", "<>\0"));
        assertThat(wire(new MilterResponse.ChangeHeader(2, "X-Old", "")))
                .isEqualTo(Bytes.of("00 00 00 0c 6d 00 00 00 02", "X-Old\0\0"));
    }

    @Test
    void everyResponseWeEncodeTheClientDecodesToItself() throws Exception {
        List<MilterResponse> all = List.of(new MilterResponse.Negotiated(6, 0x1FF, 0x1F0380, ServerNegotiation.MACROS),
                new MilterResponse.Progress(), new MilterResponse.Continue(), new MilterResponse.Accept(),
                new MilterResponse.ReplyCode(451, "4.7.1", "Message filter x is unavailable, try again later"),
                new MilterResponse.AddHeader("X-A", " b\n\tc"), new MilterResponse.InsertHeader(3, "X-B", "c"),
                new MilterResponse.ChangeHeader(1, "Subject", " [TAGGED] hi"),
                new MilterResponse.AddRecipient("<x@example.com>", Optional.empty()),
                new MilterResponse.DeleteRecipient("<y@example.com>"),
                new MilterResponse.ChangeSender("<z@example.com>", Optional.empty()),
                new MilterResponse.Quarantine("held"), new MilterResponse.Discard());
        for (MilterResponse r : all) {
            MilterPacket packet = new PacketDecoder().next(ByteBuffer.wrap(wire(r))).orElseThrow();
            assertThat(ResponseDecoder.decode(packet)).isEqualTo(r);
        }
    }
}
