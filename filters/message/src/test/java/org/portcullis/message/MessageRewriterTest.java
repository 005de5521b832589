package org.portcullis.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.message.Corpus.EICAR;
import static org.portcullis.message.Corpus.bytes;
import static org.portcullis.message.Corpus.part;
import static org.portcullis.message.Rewrites.indexOf;
import static org.portcullis.message.Rewrites.rawBytes;
import static org.portcullis.message.Rewrites.rewrite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.filter.Address;
import org.portcullis.filter.ContentSource;
import org.portcullis.filter.Header;
import org.portcullis.filter.MediaType;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Mutation;

class MessageRewriterTest {

    @TempDir
    Path dir;

    @Test
    void editsHeadersInOrderAndKeepsTheBodyByteForByte() throws IOException {
        try (var out = rewrite(dir, "clean-plain.eml", List.of(
                new Mutation.InsertHeader(0, "X-Portcullis-Queue", "TESTQ1"),
                new Mutation.ChangeHeader("Subject", 1, "[EXT] Minutes of Friday's meeting"),
                new Mutation.DeleteHeader("Return-Path", 0),
                new Mutation.AddHeader("X-Scanned", "clean")))) {
            assertThat(out.rewritten().headers().all()).extracting(Header::name).startsWith("X-Portcullis-Queue", "From")
                    .endsWith("X-Scanned").doesNotContain("Return-Path");
            assertThat(out.rewritten().headers().first("Subject")).contains("[EXT] Minutes of Friday's meeting");
            byte[] original = rawBytes(out.original());
            byte[] body = Arrays.copyOfRange(original, indexOf(original, "\r\n\r\n".getBytes()) + 4, original.length);
            assertThat(Arrays.copyOfRange(out.bytes(), out.bytes().length - body.length, out.bytes().length)).isEqualTo(body);
            assertThat(new String(out.bytes(), StandardCharsets.US_ASCII)).contains("\r\nFrom: Alice Example <alice@example.org>\r\n");
            assertThat(out.result().changed()).isTrue();
        }
    }

    @Test
    void encodesNonAsciiValuesAndFoldsAt78() throws IOException {
        String note = "Geprüft von Portcullis: keine Viren gefunden, alle Anhänge wurden mit der aktuellen Signatur "
                + "untersucht und für unbedenklich befunden – Grüße";
        try (var out = rewrite(dir, "clean-plain.eml", List.of(new Mutation.AddHeader("X-Note", note)))) {
            assertThat(out.rewritten().headers().first("X-Note")).contains(note);
            String text = new String(out.bytes(), StandardCharsets.US_ASCII);
            assertThat(text).contains("X-Note: =?UTF-8?Q?Gepr=C3=BCft?= von Portcullis: keine Viren gefunden,");
            assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
            assertThat(out.bytes()).doesNotContain((byte) 0xc3);
        }
    }

    @Test
    void replacesAPartDeepInsideAndKeepsTheRestIdentical() throws IOException {
        var notice = ContentSource.of("removed\r\n");
        try (var out = rewrite(dir, "eicar-nested-message.eml", List.of(
                new Mutation.ReplacePart("2.1.2", MediaType.TEXT_PLAIN, notice)))) {
            assertThat(out.rewritten().parts().map(MimePart::path)).containsExactly("", "1", "2", "2.1", "2.1.1", "2.1.2");
            MimePart replaced = part(out.rewritten(), "2.1.2");
            assertThat(replaced.contentType().baseType()).isEqualTo("text/plain");
            assertThat(replaced.headers().first("Content-Transfer-Encoding")).contains("quoted-printable");
            assertThat(replaced.filename()).isEmpty();
            assertThat(bytes(replaced)).isEqualTo("removed\r\n".getBytes());
            assertSameLeaf(out.original(), out.rewritten(), "1");
            assertSameLeaf(out.original(), out.rewritten(), "2.1.1");
            assertThat(out.rewritten().headers().all()).isEqualTo(out.original().headers().all());
            assertThat(out.rewritten().problems()).isEmpty();
        }
    }

    @Test
    void copiesUntouchedSubtreesRawIncludingTheirBoundaries() throws IOException {
        try (var out = rewrite(dir, "eicar-nested-message.eml", List.of(
                new Mutation.ReplacePart("1", MediaType.TEXT_PLAIN, ContentSource.of("new text\r\n"))))) {
            byte[] forwarded;
            try (InputStream in = part(out.original(), "2").openDecoded()) {
                forwarded = in.readAllBytes();
            }
            assertThat(bytes(part(out.rewritten(), "2"))).isEqualTo(forwarded);
            assertThat(indexOf(out.bytes(), forwarded)).isPositive();
            assertThat(bytes(part(out.rewritten(), "2.1.2"))).isEqualTo(EICAR);
        }
    }

    @Test
    void encodesBinaryAsBase64AndTextAsQuotedPrintable() throws IOException {
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        MediaType pdf = new MediaType("application", "pdf", Map.of("name", "Übersicht.pdf"));
        MediaType latin = new MediaType("text", "plain", Map.of("charset", "iso-8859-1"));
        byte[] text = "Caf\u00e9 cr\u00e8me = good\nline two\n".getBytes(StandardCharsets.ISO_8859_1);
        try (var out = rewrite(dir, "multipart-alternative.eml", List.of(
                new Mutation.ReplacePart("1", latin, ContentSource.of(text)),
                new Mutation.ReplacePart("2", pdf, ContentSource.of(binary))))) {
            MimePart one = part(out.rewritten(), "1");
            assertThat(one.headers().first("Content-Transfer-Encoding")).contains("quoted-printable");
            assertThat(new String(bytes(one), StandardCharsets.ISO_8859_1)).isEqualTo("Café crème = good\r\nline two\r\n");
            MimePart two = part(out.rewritten(), "2");
            assertThat(two.headers().first("Content-Transfer-Encoding")).contains("base64");
            assertThat(two.contentType().baseType()).isEqualTo("application/pdf");
            assertThat(two.filename()).contains("Übersicht.pdf");
            assertThat(bytes(two)).isEqualTo(binary);
            assertThat(out.bytes()).doesNotContain((byte) 0xe9);
        }
    }

    @Test
    void replacesTheWholeBody() throws IOException {
        try (var out = rewrite(dir, "clean-plain.eml", List.of(
                new Mutation.ReplaceBody(ContentSource.of("A new body.\r\n"))))) {
            assertThat(bytes(out.rewritten().root())).isEqualTo("A new body.\r\n".getBytes());
            assertThat(out.rewritten().headers().all()).isEqualTo(out.original().headers().all());
        }
    }

    @Test
    void listsWhatItCouldNotApplyAndAppliesTheRest() throws IOException {
        try (var out = rewrite(dir, "eicar-nested-message.eml", List.of(
                new Mutation.ReplacePart("9", MediaType.TEXT_PLAIN, ContentSource.of("x")),
                new Mutation.ReplacePart("2", MediaType.TEXT_PLAIN, ContentSource.of("forwarded message removed\r\n")),
                new Mutation.ReplacePart("2.1.2", MediaType.TEXT_PLAIN, ContentSource.of("x"))))) {
            assertThat(out.result().notApplied()).hasSize(2)
                    .anySatisfy(n -> assertThat(n).contains("part 9").contains("no such part"))
                    .anySatisfy(n -> assertThat(n).contains("part 2.1.2").contains("inside part 2"));
            assertThat(out.rewritten().parts().map(MimePart::path)).containsExactly("", "1", "2");
        }
    }

    @Test
    void returnsEnvelopeChangesForTheCaller() throws IOException {
        Address archive = Address.parse("archive@example.org");
        try (var out = rewrite(dir, "clean-plain.eml", List.of(
                new Mutation.AddRecipient(archive, Map.of("NOTIFY", "NEVER")),
                new Mutation.RemoveRecipient(Address.parse("bob@EXAMPLE.com")),
                new Mutation.ChangeSender(Address.parse("bounces@example.org"))))) {
            EnvelopeChanges changes = out.result().envelope();
            assertThat(changes.recipients(List.of(Address.parse("bob@example.com")))).containsExactly(archive);
            assertThat(changes.sender(Address.parse("alice@example.org"))).isEqualTo(Address.parse("bounces@example.org"));
            assertThat(changes.parameters(archive)).contains(Map.of("NOTIFY", "NEVER"));
            assertThat(out.result().changed()).isFalse();
            assertThat(out.bytes()).isEqualTo(rawBytes(out.original()));
        }
    }

    @Test
    void aRedirectReplacesTheRecipientsBeforeIt() {
        Address one = Address.parse("one@example.org");
        EnvelopeChanges changes = MessageRewriter.envelopeChanges(List.of(
                new Mutation.AddHeader("X-A", "b"),
                new Mutation.AddRecipient(Address.parse("extra@example.org"), Map.of()),
                new Mutation.Redirect(List.of(one))));
        assertThat(changes.recipients(List.of(Address.parse("bob@example.com")))).containsExactly(one);
    }

    @Test
    void writesCrlfOnly() throws IOException {
        try (var out = rewrite(dir, "invoice-phish.eml", List.of(new Mutation.ReplacePart("1", MediaType.TEXT_PLAIN,
                ContentSource.of("bare\nline ends\n"))))) {
            for (int i = 0; i < out.bytes().length; i++) {
                if (out.bytes()[i] == '\n') {
                    assertThat(out.bytes()[i - 1]).as("byte before LF at %d", i).isEqualTo((byte) '\r');
                }
            }
        }
    }

    static void assertSameLeaf(ParsedMessage a, ParsedMessage b, String path) throws IOException {
        assertThat(part(b, path).headers().all()).isEqualTo(part(a, path).headers().all());
        assertThat(bytes(part(b, path))).isEqualTo(bytes(part(a, path)));
    }
}
