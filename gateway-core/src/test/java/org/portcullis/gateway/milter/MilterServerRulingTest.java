package org.portcullis.gateway.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.ContentSource;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.MediaType;
import org.portcullis.filter.Mutation;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.milter.MilterResponse.AddHeader;
import org.portcullis.gateway.milter.MilterResponse.AddRecipient;
import org.portcullis.gateway.milter.MilterResponse.ChangeHeader;
import org.portcullis.gateway.milter.MilterResponse.ChangeSender;
import org.portcullis.gateway.milter.MilterResponse.DeleteRecipient;
import org.portcullis.gateway.milter.MilterResponse.InsertHeader;
import org.portcullis.gateway.milter.MilterResponse.Modification;
import org.portcullis.gateway.milter.MilterResponse.ReplaceBody;
import org.portcullis.message.MessageLimits;
import org.portcullis.message.MessageRewriter;
import org.portcullis.message.ParsedMessage;

/**
 * A ruling in the milter's words: each mutation as the modification it becomes, and — the point
 * of it all — the message an MTA makes by applying them is byte for byte the one Portcullis's
 * own rewriter writes.
 */
class MilterServerRulingTest {

    private static final String MESSAGE = "Subject: hello\r\n folded part\r\nFrom: a@sender.example.org\r\n"
            + "To: user@example.com\r\nX-D: one\r\nX-D: two\r\nContent-Type: text/plain; charset=us-ascii\r\n"
            + "\r\nline one\r\nline two\r\n";

    @TempDir
    Path dir;

    private final Agreement postfix = agreement(0x1FF, true);
    private final RulingReply.Transaction transaction = new RulingReply.Transaction(Address.parse("a@sender.example.org"),
            List.of(Address.parse("user@example.com"), Address.parse("Other@Example.COM")),
            Map.of("user@example.com", "<user@example.com>", "Other@example.com", "<Other@Example.COM>"));

    private static Agreement agreement(int actions, boolean leadingSpace) {
        return new Agreement(6, actions, leadingSpace ? MilterProtocol.HDR_LEADSPC : 0, Map.of());
    }

    private RulingReply reply(String message, Verdict verdict, Agreement agreement, Mutation... mutations)
            throws Exception {
        Path file = Files.writeString(dir.resolve("m" + System.nanoTime() + ".eml"), message);
        Envelope envelope = new Envelope("0Q1R2S3T4V5", Connection.of(InetAddress.getLoopbackAddress()),
                transaction.sender(), Map.of(), List.of());
        try (ParsedMessage parsed = ParsedMessage.parse(envelope, file, MessageLimits.DEFAULTS)) {
            return RulingReply.of(verdict, List.of(mutations), parsed, transaction, agreement, dir);
        }
    }

    private RulingReply reply(Mutation... mutations) throws Exception {
        return reply(MESSAGE, new Verdict.Continue(), postfix, mutations);
    }

    /** What Portcullis itself would queue. */
    private String rewritten(String message, Mutation... mutations) throws Exception {
        Path file = Files.writeString(dir.resolve("r" + System.nanoTime() + ".eml"), message);
        Envelope envelope = new Envelope("0Q1R2S3T4V5", Connection.of(InetAddress.getLoopbackAddress()),
                transaction.sender(), Map.of(), List.of());
        try (ParsedMessage parsed = ParsedMessage.parse(envelope, file, MessageLimits.DEFAULTS)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new MessageRewriter().rewrite(parsed, List.of(mutations), out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    // --- decisions ---

    @Test
    void aRefusalIsTheExactReplyAndNothingElse() throws Exception {
        RulingReply r = reply(MESSAGE, new Verdict.Reject(554, "5.7.1", "Virus found: X"), postfix,
                new Mutation.AddHeader("X-A", "b"));
        assertThat(r.modifications()).isEmpty();
        assertThat(r.decision()).isEqualTo(new MilterResponse.ReplyCode(554, "5.7.1", "Virus found: X"));
        assertThat(reply(MESSAGE, new Verdict.Tempfail(451, "4.7.1", "later"), postfix).decision())
                .isEqualTo(new MilterResponse.ReplyCode(451, "4.7.1", "later"));
    }

    @Test
    void aDiscardIsADAndAQuarantineKeepsTheChangesThenQ() throws Exception {
        assertThat(reply(MESSAGE, new Verdict.Discard(), postfix).decision()).isEqualTo(new MilterResponse.Discard());
        RulingReply held = reply(MESSAGE, new Verdict.Quarantine("spam score 17"), postfix,
                new Mutation.AddHeader("X-A", "b"));
        assertThat(held.modifications()).containsExactly(new AddHeader("X-A", " b"),
                new MilterResponse.Quarantine("spam score 17"));
        assertThat(held.decision()).isEqualTo(new MilterResponse.Continue());
        assertThat(held.event()).isEqualTo("quarantined");
    }

    // --- headers ---

    @Test
    void headerChangesMapOneToOneWithTheirValuesAsTheRewriterWritesThem() throws Exception {
        RulingReply r = reply(new Mutation.AddHeader("X-Probe", "added"), new Mutation.InsertHeader(0, "X-Top", "t"),
                new Mutation.ChangeHeader("Subject", 1, "[TAGGED] hello"), new Mutation.DeleteHeader("X-D", 1),
                new Mutation.ChangeHeader("X-New", 1, "absent, so added"), new Mutation.InsertHeader(99, "X-End", "e"));

        assertThat(r.modifications()).containsExactly(new AddHeader("X-Probe", " added"),
                new InsertHeader(0, "X-Top", " t"), new ChangeHeader(1, "Subject", " [TAGGED] hello"),
                new ChangeHeader(1, "X-D", ""), new AddHeader("X-New", " absent, so added"), new AddHeader("X-End", " e"));
        assertThat(r.decision()).isEqualTo(new MilterResponse.Continue());
        assertThat(r.event()).isEqualTo("accepted");
    }

    @Test
    void withoutLeadingSpaceTheMtaPutsTheSpaceAndFoldsAreLf() throws Exception {
        String words = "word ".repeat(20).strip();
        RulingReply r = reply(MESSAGE, new Verdict.Continue(), agreement(0x1FF, false),
                new Mutation.AddHeader("X-Long", words), new Mutation.AddHeader("X-Utf8", "Grüße aus Köln"));
        String folded = MessageRewriter.fieldValue("X-Long", words);
        assertThat(folded).contains("\r\n ");
        assertThat(r.modifications()).containsExactly(
                new AddHeader("X-Long", folded.substring(1).replace("\r\n", "\n")),
                new AddHeader("X-Utf8", "=?UTF-8?B?R3LDvMOfZQ==?= aus =?UTF-8?B?S8O2bG4=?="));
    }

    @Test
    void deletingEveryOccurrenceGoesFromTheLast() throws Exception {
        assertThat(reply(new Mutation.DeleteHeader("x-d", 0)).modifications())
                .containsExactly(new ChangeHeader(2, "x-d", ""), new ChangeHeader(1, "x-d", ""));
        assertThat(reply(new Mutation.AddHeader("X-D", "three"), new Mutation.DeleteHeader("X-D", 0)).modifications())
                .as("an occurrence added by the ruling itself counts").containsExactly(new AddHeader("X-D", " three"),
                        new ChangeHeader(3, "X-D", ""), new ChangeHeader(2, "X-D", ""), new ChangeHeader(1, "X-D", ""));
    }

    // --- the MTA ends up with what Portcullis would have queued ---

    @Test
    void headerEditsGiveTheRewrittenMessage() throws Exception {
        Mutation[] m = {new Mutation.AddHeader("X-Probe", "added"), new Mutation.InsertHeader(2, "X-Mid", "m"),
                new Mutation.ChangeHeader("Subject", 1, "[TAGGED] hello folded part"), new Mutation.DeleteHeader("X-D", 0),
                new Mutation.AddHeader("X-Long", "long ".repeat(30).strip())};
        for (boolean leadingSpace : new boolean[] {true, false}) {
            RulingReply r = reply(MESSAGE, new Verdict.Continue(), agreement(0x1FF, leadingSpace), m);
            assertThat(Mta.apply(MESSAGE, r.modifications(), leadingSpace)).isEqualTo(rewritten(MESSAGE, m));
        }
    }

    @Test
    void aNewBodyGoesInChunksAndGivesTheRewrittenMessage() throws Exception {
        Mutation body = new Mutation.ReplaceBody(ContentSource.of("replaced by the probe\r\n"));
        RulingReply r = reply(body);
        assertThat(r.modifications()).containsExactly(new ReplaceBody("replaced by the probe\r\n"
                .getBytes(StandardCharsets.US_ASCII)));

        byte[] big = ("x".repeat(998) + "\r\n").repeat(200).getBytes(StandardCharsets.US_ASCII);
        RulingReply large = reply(new Mutation.ReplaceBody(ContentSource.of(big)));
        assertThat(large.modifications()).hasSize(4).allSatisfy(b -> assertThat(((ReplaceBody) b).chunk().length)
                .isLessThanOrEqualTo(65_535));
        assertThat(Mta.apply(MESSAGE, large.modifications(), true))
                .isEqualTo(rewritten(MESSAGE, new Mutation.ReplaceBody(ContentSource.of(big))));
    }

    @Test
    void aReplacedTopLevelPartAlsoChangesTheMessagesContentFields() throws Exception {
        Mutation part = new Mutation.ReplacePart("", MediaType.TEXT_PLAIN, ContentSource.of("Grüße, new text\r\n"));
        RulingReply r = reply(new Mutation.ChangeHeader("Subject", 1, "[TAGGED] x"), part);

        assertThat(r.modifications()).anySatisfy(m -> assertThat(m).isEqualTo(new ChangeHeader(1, "Content-Type", "")));
        assertThat(r.modifications()).anySatisfy(m -> assertThat(m).isInstanceOf(ReplaceBody.class));
        assertThat(Mta.apply(MESSAGE, r.modifications(), true))
                .isEqualTo(rewritten(MESSAGE, new Mutation.ChangeHeader("Subject", 1, "[TAGGED] x"), part));
    }

    @Test
    void aRuleThatChangesNothingSendsNoBody() throws Exception {
        String multipart = "Subject: m\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n";
        RulingReply r = reply(multipart, new Verdict.Continue(), postfix,
                new Mutation.ReplacePart("9", MediaType.TEXT_PLAIN, ContentSource.of("no such part")));
        assertThat(r.modifications()).isEmpty();
    }

    // --- envelope ---

    @Test
    void envelopeChangesAreTheDifferenceTheGatewayWouldApply() throws Exception {
        RulingReply r = reply(new Mutation.AddRecipient(Address.parse("extra@example.com"), Map.of("NOTIFY", "NEVER")),
                new Mutation.RemoveRecipient(Address.parse("Other@example.com")),
                new Mutation.ChangeSender(Address.parse("bounce@sender.example.org")));

        assertThat(r.modifications()).containsExactly(new ChangeSender("<bounce@sender.example.org>", Optional.empty()),
                new DeleteRecipient("<Other@Example.COM>"),
                new AddRecipient("<extra@example.com>", Optional.of("NOTIFY=NEVER")));
    }

    @Test
    void aRedirectRemovesEveryRecipientAndAddsTheNewOnes() throws Exception {
        RulingReply r = reply(new Mutation.Redirect(List.of(Address.parse("legal@example.com"),
                Address.parse("user@example.com"))));
        assertThat(r.modifications()).containsExactly(new DeleteRecipient("<Other@Example.COM>"),
                new AddRecipient("<legal@example.com>", Optional.empty()));
    }

    @Test
    void aMessageLeftWithoutRecipientsIsDiscarded() throws Exception {
        RulingReply r = reply(new Mutation.RemoveRecipient(Address.parse("user@example.com")),
                new Mutation.RemoveRecipient(Address.parse("Other@example.com")));
        assertThat(r.decision()).isEqualTo(new MilterResponse.Discard());
        assertThat(r.modifications()).isEmpty();
    }

    @Test
    void aChangeTheMtaDidNotGrantTempfailsRatherThanPassingTheMessageUnchanged() throws Exception {
        RulingReply r = reply(MESSAGE, new Verdict.Continue(), agreement(MilterProtocol.ADDHDRS, true),
                new Mutation.ReplaceBody(ContentSource.of("stripped\r\n")));
        assertThat(r.decision()).isEqualTo(new MilterResponse.ReplyCode(451, "4.3.5",
                "The mail filter's changes cannot be made through this MTA, try again later"));
        RulingReply narrowed = reply(MESSAGE, new Verdict.Continue(), agreement(MilterProtocol.ADDRCPT, true),
                new Mutation.AddRecipient(Address.parse("extra@example.com"), Map.of("NOTIFY", "NEVER")));
        assertThat(narrowed.modifications()).as("parameters dropped where only '+' was granted")
                .containsExactly(new AddRecipient("<extra@example.com>", Optional.empty()));
    }

    /** An MTA applying modifications as Postfix does: header edits by name and occurrence, a new body. */
    static final class Mta {
        static String apply(String message, List<Modification> modifications, boolean leadingSpace) {
            int end = message.indexOf("\r\n\r\n");
            List<String> fields = new ArrayList<>();
            for (String line : message.substring(0, end).split("\r\n")) {
                if (line.startsWith(" ") || line.startsWith("\t")) {
                    fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
                } else {
                    fields.add(line);
                }
            }
            String body = message.substring(end + 4);
            ByteArrayOutputStream newBody = null;
            for (Modification m : modifications) {
                switch (m) {
                    case AddHeader h -> fields.add(field(h.name(), h.value(), leadingSpace));
                    case InsertHeader h -> fields.add(Math.min(h.index(), fields.size()), field(h.name(), h.value(), leadingSpace));
                    case ChangeHeader h -> {
                        int at = indexOf(fields, h.name(), h.index());
                        if (h.value().isEmpty()) {
                            fields.remove(at);
                        } else {
                            fields.set(at, field(fields.get(at).substring(0, fields.get(at).indexOf(':')), h.value(),
                                    leadingSpace));
                        }
                    }
                    case ReplaceBody b -> {
                        if (newBody == null) {
                            newBody = new ByteArrayOutputStream();
                        }
                        newBody.writeBytes(b.chunk());
                    }
                    default -> {
                    }
                }
            }
            return String.join("\r\n", fields) + "\r\n\r\n"
                    + (newBody == null ? body : newBody.toString(StandardCharsets.UTF_8));
        }

        private static String field(String name, String value, boolean leadingSpace) {
            return name + ":" + (leadingSpace ? "" : " ") + value.replace("\n", "\r\n");
        }

        private static int indexOf(List<String> fields, String name, int occurrence) {
            int seen = 0;
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).regionMatches(true, 0, name + ":", 0, name.length() + 1) && ++seen == occurrence) {
                    return i;
                }
            }
            throw new AssertionError("no " + name + " #" + occurrence);
        }
    }
}
