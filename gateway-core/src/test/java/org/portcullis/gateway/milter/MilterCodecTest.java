package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.portcullis.gateway.milter.MilterCommand.ClientAddress;
import org.portcullis.gateway.milter.MilterResponse.AddHeader;
import org.portcullis.gateway.milter.MilterResponse.AddRecipient;
import org.portcullis.gateway.milter.MilterResponse.ChangeHeader;
import org.portcullis.gateway.milter.MilterResponse.ChangeSender;
import org.portcullis.gateway.milter.MilterResponse.DeleteRecipient;
import org.portcullis.gateway.milter.MilterResponse.InsertHeader;
import org.portcullis.gateway.milter.MilterResponse.Negotiated;
import org.portcullis.gateway.milter.MilterResponse.Quarantine;
import org.portcullis.gateway.milter.MilterResponse.ReplaceBody;
import org.portcullis.gateway.milter.MilterResponse.ReplyCode;

/** The wire format byte for byte, without a network; the fixtures are the captured bytes of MILTER.md §9. */
class MilterCodecTest {

    private static MilterResponse decode(byte[] wire) throws MilterProtocolException {
        PacketDecoder decoder = new PacketDecoder();
        ByteBuffer in = ByteBuffer.wrap(wire);
        MilterPacket packet = decoder.next(in).orElseThrow();
        assertThat(in.hasRemaining()).as("packet length covers exactly the bytes").isFalse();
        return ResponseDecoder.decode(packet);
    }

    // --- negotiation ---

    @Test
    void encodesTheOptionNegotiationOfTheCapture() {
        assertThat(new MilterCommand.Negotiate(6, 0x1FF, 0x1FFFFF).packet().frame())
                .isEqualTo(Bytes.of("00 00 00 0d 4f 00 00 00 06 00 00 01 ff 00 1f ff ff"));
    }

    @Test
    void offersVersion6EveryActionAndEveryStepBitButRejectedRecipients() {
        assertThat(Agreement.offer().packet().frame())
                .isEqualTo(Bytes.of("00 00 00 0d 4f 00 00 00 06 00 00 01 ff 30 1f f7 ff"));
    }

    @Test
    void decodesTheMiltersNegotiationReplyAndAgrees() throws Exception {
        Negotiated reply = (Negotiated) decode(Bytes.of("00 00 00 0d 4f 00 00 00 06 00 00 01 ff 00 00 04 00"));

        assertThat(reply).isEqualTo(new Negotiated(6, 0x1FF, 0x400, Map.of()));
        Agreement agreement = Agreement.of(reply, Agreement.offer());
        assertThat(agreement.skipAllowed()).isTrue();
        assertThat(agreement.maxDataSize()).isEqualTo(65_535);
        for (Step step : Step.values()) {
            assertThat(agreement.sends(step)).as(step.label()).isTrue();
            assertThat(agreement.awaitsReply(step)).as(step.label()).isTrue();
        }
    }

    @Test
    void honoursTheMiltersSkipAndNoReplyBits() throws Exception {
        int bits = MilterProtocol.NOHELO | MilterProtocol.NOBODY | MilterProtocol.NR_RCPT | MilterProtocol.NR_HDR
                | MilterProtocol.HDR_LEADSPC | MilterProtocol.MDS_1M;
        Agreement agreement = Agreement.of(new Negotiated(6, 0x1, bits, Map.of()), Agreement.offer());

        assertThat(agreement.sends(Step.HELO)).isFalse();
        assertThat(agreement.sends(Step.BODY)).isFalse();
        assertThat(agreement.sends(Step.RCPT)).isTrue();
        assertThat(agreement.awaitsReply(Step.RCPT)).isFalse();
        assertThat(agreement.awaitsReply(Step.HEADER)).isFalse();
        assertThat(agreement.awaitsReply(Step.END_OF_MESSAGE)).isTrue();
        assertThat(agreement.leadingSpace()).isTrue();
        assertThat(agreement.maxDataSize()).isEqualTo(1_048_575);
        assertThat(agreement.allows(MilterProtocol.ADDHDRS)).isTrue();
        assertThat(agreement.allows(MilterProtocol.CHGBODY)).isFalse();
    }

    @Test
    void refusesAnActionOrBitOutsideTheOfferAndAVersionWeDoNotSpeak() {
        MilterCommand.Negotiate offer = new MilterCommand.Negotiate(6, 0x0FF, 0x1FFFFF);

        assertThatThrownBy(() -> Agreement.of(new Negotiated(6, 0x100, 0, Map.of()), offer))
                .isInstanceOf(MilterProtocolException.class).hasMessageContaining("actions 0x100");
        assertThatThrownBy(() -> Agreement.of(new Negotiated(6, 0, 0x10000000, Map.of()), offer))
                .isInstanceOf(MilterProtocolException.class).hasMessageContaining("protocol bits 0x10000000");
        assertThatThrownBy(() -> Agreement.of(new Negotiated(7, 0, 0, Map.of()), offer))
                .isInstanceOf(MilterProtocolException.class).hasMessageContaining("version 7");
        assertThatThrownBy(() -> Agreement.of(new Negotiated(6, 0, MilterProtocol.RCPT_REJ, Map.of()), Agreement.offer()))
                .isInstanceOf(MilterProtocolException.class);
    }

    @Test
    void readsTheSymbolListTailOfTheNegotiationReply() throws Exception {
        byte[] wire = Bytes.of("00 00 00 33 4f 00 00 00 06 00 00 01 01 00 00 00 00",
                "0x00000000", "j {client_addr}\0", "0x00000002", "{mail_addr} i\0");

        Negotiated reply = (Negotiated) decode(wire);

        assertThat(reply.symbolLists()).containsExactlyInAnyOrderEntriesOf(Map.of(
                0, List.of("j", "{client_addr}"), 2, List.of("{mail_addr}", "i")));
        Agreement agreement = Agreement.of(reply, Agreement.offer());
        assertThat(agreement.symbolList(Step.CONNECT)).contains(List.of("j", "{client_addr}"));
        assertThat(agreement.symbolList(Step.HELO)).isEmpty();
    }

    @Test
    void refusesASymbolListWithoutSetSymList() throws Exception {
        Negotiated reply = (Negotiated) decode(Bytes.of("00 00 00 13 4f 00 00 00 06 00 00 00 01 00 00 00 00",
                "0x00000000", "j\0"));

        assertThatThrownBy(() -> Agreement.of(reply, Agreement.offer())).hasMessageContaining("SETSYMLIST");
    }

    // --- commands ---

    @Test
    void encodesConnectForIpv4AsCaptured() throws Exception {
        var connect = new MilterCommand.Connect("client.example.org",
                ClientAddress.of(InetAddress.getByName("192.0.2.1"), 4567));

        assertThat(connect.packet().frame())
                .isEqualTo(Bytes.of("00 00 00 21 43", "client.example.org\0", "0x3411d7", "192.0.2.1\0"));
    }

    @Test
    void encodesConnectForIpv6AndForAnUnknownFamily() throws Exception {
        var v6 = new MilterCommand.Connect("[2001:db8::1]", ClientAddress.of(InetAddress.getByName("2001:db8::1"), 25));
        var unknown = new MilterCommand.Connect("localhost", ClientAddress.unknown());

        assertThat(v6.packet().frame()).isEqualTo(Bytes.of("00 00 00 27 43", "[2001:db8::1]\0", "0x360019", "2001:db8:0:0:0:0:0:1\0"));
        assertThat(unknown.packet().frame()).isEqualTo(Bytes.of("00 00 00 0c 43", "localhost\0", "0x55"));
    }

    @Test
    void encodesEachCommandOfTheCapture() {
        assertThat(new MilterCommand.Mail("<a@sender.example.org>", List.of("SIZE=100")).packet().frame())
                .isEqualTo(Bytes.of("00 00 00 21 4d", "<a@sender.example.org>\0SIZE=100\0"));
        assertThat(new MilterCommand.Rcpt("<bad@example.com>", List.of()).packet().frame())
                .isEqualTo(Bytes.of("00 00 00 13 52", "<bad@example.com>\0"));
        assertThat(new MilterCommand.Data().packet().frame()).isEqualTo(Bytes.of("00 00 00 01 54"));
        assertThat(new MilterCommand.Header("Subject", "hello").packet().frame())
                .isEqualTo(Bytes.of("00 00 00 0f 4c", "Subject\0hello\0"));
        assertThat(new MilterCommand.EndOfHeaders().packet().frame()).isEqualTo(Bytes.of("00 00 00 01 4e"));
        assertThat(new MilterCommand.Body("line one\r\nline two\r\n".getBytes()).packet().frame())
                .isEqualTo(Bytes.of("00 00 00 15 42", "line one\r\nline two\r\n"));
        assertThat(new MilterCommand.EndOfMessage().packet().frame()).isEqualTo(Bytes.of("00 00 00 01 45"));
        assertThat(new MilterCommand.Quit().packet().frame()).isEqualTo(Bytes.of("00 00 00 01 51"));
    }

    @Test
    void encodesHeloAbortUnknownAndMacros() {
        Map<String, String> macros = new LinkedHashMap<>();
        macros.put("j", "gw.example");
        macros.put("{client_addr}", "192.0.2.1");

        assertThat(new MilterCommand.Helo("client.example.org").packet().frame())
                .isEqualTo(Bytes.of("00 00 00 14 48", "client.example.org\0"));
        assertThat(new MilterCommand.Abort().packet().frame()).isEqualTo(Bytes.of("00 00 00 01 41"));
        assertThat(new MilterCommand.Unknown("XYZZY plugh").packet().frame())
                .isEqualTo(Bytes.of("00 00 00 0d 55", "XYZZY plugh\0"));
        assertThat(new MilterCommand.Macros('C', macros).packet().frame())
                .isEqualTo(Bytes.of("00 00 00 27 44", "Cj\0gw.example\0{client_addr}\u0000192.0.2.1\0"));
    }

    @Test
    void keepsFoldedHeaderLinesAndDropsNulsThatWouldShiftFields() {
        assertThat(new MilterCommand.Header("Subject", "one\n\ttwo").packet().frame())
                .isEqualTo(Bytes.of("00 00 00 12 4c", "Subject\0one\n\ttwo\0"));
        assertThat(new MilterCommand.Helo("evil\0name").packet().frame())
                .isEqualTo(Bytes.of("00 00 00 0a 48", "evilname\0"));
    }

    // --- responses ---

    @Test
    void decodesEachResponseOfTheCapture() throws Exception {
        assertThat(decode(Bytes.of("00 00 00 01 63"))).isEqualTo(new MilterResponse.Continue());
        assertThat(decode(Bytes.of("00 00 00 1d 79", "550 5.7.1 no such user here\0")))
                .isEqualTo(new ReplyCode(550, "5.7.1", "no such user here"));
        assertThat(decode(Bytes.of("00 00 00 0f 68", "X-Probe\0added\0"))).isEqualTo(new AddHeader("X-Probe", "added"));
        assertThat(decode(Bytes.of("00 00 00 1d 6d 00 00 00 01", "Subject\0changed subject\0")))
                .isEqualTo(new ChangeHeader(1, "Subject", "changed subject"));
        assertThat(decode(Bytes.of("00 00 00 14 69 00 00 00 00", "X-Top\0inserted\0")))
                .isEqualTo(new InsertHeader(0, "X-Top", "inserted"));
        assertThat(decode(Bytes.of("00 00 00 1e 65", "<new@sender.example>\0SIZE=10\0")))
                .isEqualTo(new ChangeSender("<new@sender.example>", Optional.of("SIZE=10")));
        assertThat(decode(Bytes.of("00 00 00 22 32", "<extra@example.com>\0NOTIFY=NEVER\0")))
                .isEqualTo(new AddRecipient("<extra@example.com>", Optional.of("NOTIFY=NEVER")));
        assertThat(decode(Bytes.of("00 00 00 11 2d", "<u@example.com>\0"))).isEqualTo(new DeleteRecipient("<u@example.com>"));
        assertThat(decode(Bytes.of("00 00 00 0e 71", "probe reason\0"))).isEqualTo(new Quarantine("probe reason"));
        assertThat(decode(Bytes.of("00 00 00 0b 62", "new body\r\n"))).isEqualTo(new ReplaceBody("new body\r\n".getBytes()));
        assertThat(decode(Bytes.of("00 00 00 01 61"))).isEqualTo(new MilterResponse.Accept());
    }

    @Test
    void decodesTheOtherDecisionsProgressAndPlainAdditions() throws Exception {
        assertThat(decode(Bytes.of("00 00 00 01 72"))).isEqualTo(new MilterResponse.Reject());
        assertThat(decode(Bytes.of("00 00 00 01 74"))).isEqualTo(new MilterResponse.Tempfail());
        assertThat(decode(Bytes.of("00 00 00 01 64"))).isEqualTo(new MilterResponse.Discard());
        assertThat(decode(Bytes.of("00 00 00 01 66"))).isEqualTo(new MilterResponse.ConnectionFailure());
        assertThat(decode(Bytes.of("00 00 00 01 73"))).isEqualTo(new MilterResponse.Skip());
        assertThat(decode(Bytes.of("00 00 00 01 70"))).isEqualTo(new MilterResponse.Progress());
        assertThat(decode(Bytes.of("00 00 00 13 2b", "<bcc@example.com>\0")))
                .isEqualTo(new AddRecipient("<bcc@example.com>", Optional.empty()));
        assertThat(decode(Bytes.of("00 00 00 0f 65", "<a@b.example>\0")))
                .isEqualTo(new ChangeSender("<a@b.example>", Optional.empty()));
    }

    @Test
    void readsMultiLineAndBareReplyCodes() throws Exception {
        assertThat(ResponseDecoder.replyCode("450-4.2.0 first line\r\n450 4.2.0 second 100%% sure"))
                .isEqualTo(new ReplyCode(450, "4.2.0", "first line second 100% sure"));
        assertThat(ResponseDecoder.replyCode("554 go away")).isEqualTo(new ReplyCode(554, "", "go away"));
        assertThat(ResponseDecoder.replyCode("421")).isEqualTo(new ReplyCode(421, "", ""));
        assertThat(ResponseDecoder.replyCode("550 4.7.1 wrong class")).isEqualTo(new ReplyCode(550, "", "wrong class"));
    }

    @Test
    void refusesRepliesThatAreNotRefusals() {
        assertThatThrownBy(() -> ResponseDecoder.replyCode("250 ok")).isInstanceOf(MilterProtocolException.class);
        assertThatThrownBy(() -> ResponseDecoder.replyCode("hello")).isInstanceOf(MilterProtocolException.class);
        assertThatThrownBy(() -> ResponseDecoder.replyCode("550-a\r\n451 b")).isInstanceOf(MilterProtocolException.class);
        assertThatThrownBy(() -> ResponseDecoder.replyCode("550-only a first line")).isInstanceOf(MilterProtocolException.class);
    }

    @Test
    void refusesAnUnknownResponseCode() {
        assertThatThrownBy(() -> decode(Bytes.of("00 00 00 01 5a"))).isInstanceOf(MilterProtocolException.class)
                .hasMessageContaining("unknown response code 'Z'");
        assertThatThrownBy(() -> decode(Bytes.of("00 00 00 01 34"))).hasMessageContaining("'4'");
        assertThatThrownBy(() -> decode(Bytes.of("00 00 00 01 00"))).hasMessageContaining("0x00");
    }

    @Test
    void refusesTruncatedAndOverlongFields() {
        assertThatThrownBy(() -> decode(Bytes.of("00 00 00 08 68", "X-Probe"))).hasMessageContaining("no terminating NUL");
        assertThatThrownBy(() -> decode(Bytes.of("00 00 00 03 69 00 00"))).hasMessageContaining("too short");
        assertThatThrownBy(() -> decode(Bytes.of("00 00 00 03 63 01 02"))).hasMessageContaining("2 unexpected bytes");
        assertThatThrownBy(() -> decode(Bytes.of("00 00 00 05 4f 00 00 00 06"))).hasMessageContaining("too short");
    }

    // --- framing ---

    @Test
    void refusesAnOversizedPacketBeforeAllocatingIt() {
        PacketDecoder decoder = new PacketDecoder();

        assertThatThrownBy(() -> decoder.next(ByteBuffer.wrap(Bytes.of("00 01 00 01"))))
                .isInstanceOf(MilterProtocolException.class).hasMessageContaining("65536 data bytes is over the agreed limit of 65535");
        assertThatThrownBy(() -> new PacketDecoder().next(ByteBuffer.wrap(Bytes.of("7f ff ff ff 62"))))
                .hasMessageContaining("over the agreed limit");
        assertThatThrownBy(() -> new PacketDecoder().next(ByteBuffer.wrap(Bytes.of("00 00 00 00"))))
                .hasMessageContaining("length 0");
    }

    @Test
    void acceptsLargerPacketsOnlyAfterTheyWereAgreed() throws Exception {
        byte[] big = new byte[5 + 200_000];
        ByteBuffer.wrap(big).putInt(200_001).put((byte) 'b');
        PacketDecoder decoder = new PacketDecoder();

        assertThatThrownBy(() -> decoder.next(ByteBuffer.wrap(big))).isInstanceOf(MilterProtocolException.class);
        PacketDecoder agreed = new PacketDecoder();
        agreed.maxDataSize(MilterProtocol.maxDataSize(MilterProtocol.MDS_256K));
        assertThat(agreed.next(ByteBuffer.wrap(big)).orElseThrow().size()).isEqualTo(200_000);
    }

    @Test
    void reassemblesPacketsSplitAnywhere() throws Exception {
        byte[] wire = Bytes.of("00 00 00 0f 68", "X-Probe\0added\0", "0x00 00 00 01 61");
        PacketDecoder decoder = new PacketDecoder();
        List<MilterPacket> packets = new java.util.ArrayList<>();
        for (byte b : wire) {
            decoder.next(ByteBuffer.wrap(new byte[] {b})).ifPresent(packets::add);
        }

        assertThat(packets).extracting(MilterPacket::code).containsExactly('h', 'a');
        assertThat(decoder.inPacket()).isFalse();
    }
}
