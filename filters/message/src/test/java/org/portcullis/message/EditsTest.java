package org.portcullis.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.message.Corpus.bytes;
import static org.portcullis.message.Corpus.parse;
import static org.portcullis.message.Corpus.part;
import static org.portcullis.message.Rewrites.rewrite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.filter.Header;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Mutation;

class EditsTest {

    @TempDir
    Path dir;

    @Test
    void appendsTheDisclaimerToBothAlternatives() throws IOException {
        ParsedMessage original = parse("multipart-alternative.eml");
        List<Mutation> edits = Disclaimer.append(original, "This message is confidential.");
        assertThat(edits).hasSize(2);
        try (var out = rewrite(dir, original, edits)) {
            String plain = new String(bytes(part(out.rewritten(), "1")), StandardCharsets.US_ASCII);
            assertThat(plain).startsWith(new String(bytes(part(original, "1")), StandardCharsets.US_ASCII))
                    .endsWith("\r\n\r\nThis message is confidential.\r\n");
            String html = new String(bytes(part(out.rewritten(), "2")), StandardCharsets.UTF_8);
            assertThat(html).contains("<p>This message is confidential.</p></body>");
            assertThat(out.rewritten().problems()).isEmpty();
        }
    }

    @Test
    void convertsToUtf8WhenThePartsCharsetCannotWriteTheDisclaimer() throws IOException {
        ParsedMessage original = parse("charset-iso-8859-1.eml");
        try (var out = rewrite(dir, original, Disclaimer.append(original, "Конфиденциально – Vertraulich"))) {
            MimePart body = out.rewritten().root();
            assertThat(body.contentType().parameter("charset")).contains("utf-8");
            assertThat(new String(bytes(body), StandardCharsets.UTF_8))
                    .startsWith("Un café crème à Paris").endsWith("Конфиденциально – Vertraulich\r\n");
            assertThat(out.rewritten().headers().first("Subject")).contains("Café crème à Paris");
        }
    }

    @Test
    void keepsTheCharsetWhenItCanWriteTheDisclaimer() throws IOException {
        ParsedMessage original = parse("charset-iso-8859-1.eml");
        try (var out = rewrite(dir, original, Disclaimer.append(original, "Vertraulich, nur für Bob"))) {
            MimePart body = out.rewritten().root();
            assertThat(body.contentType().parameter("charset")).hasValueSatisfying(c -> assertThat(c).isEqualToIgnoringCase("iso-8859-1"));
            assertThat(new String(bytes(body), StandardCharsets.ISO_8859_1)).endsWith("\r\n\r\nVertraulich, nur für Bob\r\n");
        }
    }

    @Test
    void leavesAttachmentsAndForwardedMessagesAlone() throws IOException {
        ParsedMessage original = parse("eicar-nested-message.eml");
        assertThat(Disclaimer.append(original, "x")).singleElement()
                .satisfies(m -> assertThat(((Mutation.ReplacePart) m).part()).isEqualTo("1"));
    }

    @Test
    void stripsAnAttachmentLeavingANoticeThatNamesIt() throws IOException {
        ParsedMessage original = parse("eicar-base64.eml");
        try (var out = rewrite(dir, original, List.of(AttachmentStrip.strip(original, "2")))) {
            MimePart notice = part(out.rewritten(), "2");
            assertThat(notice.contentType().baseType()).isEqualTo("text/plain");
            assertThat(notice.isAttachment()).isFalse();
            assertThat(new String(bytes(notice), StandardCharsets.UTF_8))
                    .isEqualTo("The attachment \"eicar.com\" was removed by the mail gateway.\r\n");
            assertThat(out.rewritten().attachments()).isEmpty();
        }
    }

    @Test
    void cutsAUuencodedFileOutOfItsText() throws IOException {
        ParsedMessage original = parse("eicar-uuencoded.eml");
        try (var out = rewrite(dir, original, List.of(AttachmentStrip.strip(original, "u1")))) {
            String text = new String(bytes(out.rewritten().root()), StandardCharsets.UTF_8);
            assertThat(text).startsWith("The anti-virus test file follows, uuencoded the old way.\r\n\r\n")
                    .contains("The attachment \"eicar.com\" was removed by the mail gateway.\r\n")
                    .endsWith("\r\nThat was all.\r\n")
                    .doesNotContain("begin 644");
            assertThat(out.rewritten().root().children()).isEmpty();
        }
    }

    @Test
    void refusesToStripAPartThatIsNotThere() throws IOException {
        ParsedMessage original = parse("clean-plain.eml");
        assertThatThrownBy(() -> AttachmentStrip.strip(original, "3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tagsAnEncodedSubjectKeepingItsEncodedWords() throws IOException {
        ParsedMessage original = parse("charset-utf8.eml");
        Mutation tag = SubjectTag.tag(original, "[SPAM]").orElseThrow();
        try (var out = rewrite(dir, original, List.of(tag))) {
            Header subject = out.rewritten().headers().all().stream().filter(h -> h.is("Subject")).findFirst().orElseThrow();
            assertThat(subject.value()).isEqualTo("[SPAM] Grüße aus Köln – Überblick");
            String originalRaw = original.headers().all().stream().filter(h -> h.is("Subject")).findFirst().orElseThrow().raw();
            assertThat(subject.raw()).isEqualTo(" [SPAM]" + originalRaw);
            assertThat(SubjectTag.tag(out.rewritten(), "[SPAM]")).isEmpty();
        }
    }

    @Test
    void tagsWithANonAsciiPrefix() throws IOException {
        ParsedMessage original = parse("charset-koi8-r.eml");
        try (var out = rewrite(dir, original, List.of(SubjectTag.tag(original, "[Спам]").orElseThrow()))) {
            assertThat(out.rewritten().headers().first("Subject")).contains("[Спам] Отчёт за январь");
        }
    }
}
