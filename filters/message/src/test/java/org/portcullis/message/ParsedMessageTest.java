package org.portcullis.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.message.Corpus.EICAR;
import static org.portcullis.message.Corpus.bytes;
import static org.portcullis.message.Corpus.parse;
import static org.portcullis.message.Corpus.part;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.portcullis.filter.MimePart;

class ParsedMessageTest {

    static java.util.List<Path> corpus() {
        return Corpus.all();
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void parsesEveryCorpusFileAndReadsEveryPart(Path file) throws IOException {
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), file, MessageLimits.DEFAULTS)) {
            assertThat(message.size()).isEqualTo(Files.size(file));
            for (MimePart part : message.parts().toList()) {
                assertThat(bytes(part)).hasSize((int) part.decodedSize());
            }
            try (InputStream raw = message.openRaw()) {
                assertThat(raw.readAllBytes()).isEqualTo(Files.readAllBytes(file));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void readsTheHeaderSectionAloneUntilTheTreeIsAskedFor(Path file) throws IOException {
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), file, MessageLimits.DEFAULTS)) {
            var early = message.headers().all().stream().map(h -> h.name() + ":" + h.raw()).toList();
            assertThat(message.treeParsed()).isFalse();
            var fromTree = message.root().headers().all().stream().map(h -> h.name() + ":" + h.raw()).toList();
            assertThat(message.treeParsed()).isTrue();
            assertThat(early).isEqualTo(fromTree);
        }
    }

    @Test
    void numbersPartsAndReadsTheirTypes() throws IOException {
        try (ParsedMessage message = parse("multipart-alternative.eml")) {
            assertThat(message.parts().map(MimePart::path)).containsExactly("", "1", "2");
            assertThat(message.root().contentType().baseType()).isEqualTo("multipart/alternative");
            assertThat(message.root().isMultipart()).isTrue();
            assertThat(part(message, "1").contentType().baseType()).isEqualTo("text/plain");
            assertThat(part(message, "2").contentType().parameter("charset")).contains("utf-8");
            assertThat(new String(bytes(part(message, "2")), StandardCharsets.UTF_8))
                    .contains("<p>Hi Bob,</p>").doesNotContain("=3D");
            assertThat(message.attachments()).isEmpty();
            assertThat(message.problems()).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource({
        "eicar-plain.eml, 2",
        "eicar-base64.eml, 2",
        "eicar-quoted-printable.eml, 2",
        "eicar-uuencoded.eml, u1",
        "eicar-nested-message.eml, 2.1.2",
        "malformed-missing-end-boundary.eml, 2",
    })
    void givesTheEicarBytesExactlyFromEachWrapping(String file, String path) throws IOException {
        try (ParsedMessage message = parse(file)) {
            MimePart eicar = part(message, path);
            assertThat(bytes(eicar)).isEqualTo(EICAR);
            assertThat(eicar.filename()).contains("eicar.com");
            assertThat(eicar.isAttachment()).isTrue();
            assertThat(message.attachments()).contains(eicar);
        }
    }

    @Test
    void givesTheZipFileWhoseEntryIsEicar() throws IOException {
        try (ParsedMessage message = parse("eicar-zip.eml");
             ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes(part(message, "2"))))) {
            assertThat(part(message, "2").contentType().baseType()).isEqualTo("application/zip");
            assertThat(zip.getNextEntry().getName()).isEqualTo("eicar.com");
            assertThat(zip.readAllBytes()).isEqualTo(EICAR);
        }
    }

    @Test
    void showsAForwardedMessageAsTheChildOfItsPart() throws IOException {
        try (ParsedMessage message = parse("eicar-nested-message.eml")) {
            MimePart forwarded = part(message, "2");
            assertThat(forwarded.contentType().baseType()).isEqualTo("message/rfc822");
            assertThat(forwarded.children()).extracting(MimePart::path).containsExactly("2.1");
            assertThat(part(message, "2.1").headers().first("Subject")).contains("The test file");
            assertThat(part(message, "2.1").children()).extracting(MimePart::path).containsExactly("2.1.1", "2.1.2");
            // A container's content is its raw body, read again from the file.
            assertThat(new String(bytes(forwarded), StandardCharsets.US_ASCII)).startsWith("From: Carol <carol@example.net>");
            assertThat(forwarded.decodedSize()).isEqualTo(bytes(forwarded).length);
        }
    }

    @Test
    void exposesAUuencodedFileAsAChildOfItsTextPart() throws IOException {
        try (ParsedMessage message = parse("eicar-uuencoded.eml")) {
            ParsedPart text = message.root();
            assertThat(text.contentType().baseType()).isEqualTo("text/plain");
            assertThat(text.isMultipart()).isFalse();
            assertThat(text.children()).extracting(MimePart::path).containsExactly("u1");
            ParsedPart file = (ParsedPart) text.children().getFirst();
            assertThat(file.isUuencoded()).isTrue();
            assertThat(file.contentType().baseType()).isEqualTo("application/octet-stream");
            assertThat(new String(bytes(text), StandardCharsets.US_ASCII)).contains("begin 644 eicar.com");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "charset-utf8.eml | Grüße aus Köln – Überblick",
        "charset-iso-8859-1.eml | Café crème à Paris",
        "charset-shift-jis.eml | 会議の議事録",
        "charset-koi8-r.eml | Отчёт за январь",
        "charset-mixed-encoded-words.eml | Café and Crème – Menü",
    })
    void decodesTheSubjectOfEachCharset(String file, String subject) throws IOException {
        try (ParsedMessage message = parse(file)) {
            assertThat(message.headers().first("Subject")).contains(subject);
            assertThat(message.problems()).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "charset-utf8.eml | viele Grüße aus Köln",
        "charset-iso-8859-1.eml | Un café crème à Paris",
        "charset-shift-jis.eml | 会議の議事録を送ります",
        "charset-koi8-r.eml | Отчёт за январь во вложении",
    })
    void decodesTheBodyOfEachCharset(String file, String text) throws IOException {
        try (ParsedMessage message = parse(file)) {
            MimePart body = message.root();
            assertThat(new String(bytes(body), body.charset().orElseThrow())).contains(text);
        }
    }

    @Test
    void keepsTheRawHeaderAndTheDecodedValue() throws IOException {
        try (ParsedMessage message = parse("charset-mixed-encoded-words.eml")) {
            var subject = message.headers().all().stream().filter(h -> h.is("subject")).findFirst().orElseThrow();
            assertThat(subject.raw()).startsWith(" =?UTF-8?Q?Caf=C3=A9?= and").contains("\r\n =?UTF-8?B?");
            assertThat(subject.value()).isEqualTo("Café and Crème – Menü");
            assertThat(message.headers().first("From")).contains("Alice Example <alice@example.org>");
        }
    }

    @Test
    void joinsAndDecodesRfc2231FilenamesAndEncodedWordNames() throws IOException {
        try (ParsedMessage message = parse("rfc2231-filename.eml")) {
            assertThat(part(message, "2").filename()).contains("Rechnung März 2025 – Übersicht und Zahlungsplan.pdf");
            assertThat(part(message, "3").filename()).contains("Notiz für Bob.txt");
            assertThat(message.attachments()).extracting(MimePart::path).containsExactly("2", "3");
        }
    }

    @Test
    void readsTheTypeAMessageDeclares() throws IOException {
        try (ParsedMessage message = parse("disguised-exe-as-pdf.eml")) {
            MimePart pdf = part(message, "2");
            assertThat(pdf.contentType().baseType()).isEqualTo("application/pdf");
            assertThat(pdf.filename()).contains("invoice.pdf");
            assertThat(bytes(pdf)).startsWith('M', 'Z');
        }
    }

    @Test
    void readsAMessageWithoutContentTypeAsPlainText(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bare.eml");
        Files.writeString(file, "Subject: bare\r\n\r\nJust text.\r\n");
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), file, MessageLimits.DEFAULTS)) {
            assertThat(message.root().contentType().baseType()).isEqualTo("text/plain");
            assertThat(bytes(message.root())).isEqualTo("Just text.\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void readsTheSameBytesOnEveryRead() throws IOException {
        try (ParsedMessage message = parse("eicar-zip.eml")) {
            assertThat(bytes(part(message, "2"))).isEqualTo(bytes(part(message, "2")));
        }
    }

    @Test
    void parsesARegionOfALargerFile(@TempDir Path dir) throws IOException {
        byte[] eml = Files.readAllBytes(Corpus.file("eicar-base64.eml"));
        Path spool = dir.resolve("spool-file");
        byte[] head = "ENVELOPE RECORDS\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "TRAILER".getBytes(StandardCharsets.US_ASCII);
        Files.write(spool, concat(head, eml, tail));
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), spool, head.length, eml.length,
                MessageLimits.DEFAULTS)) {
            assertThat(bytes(part(message, "2"))).isEqualTo(EICAR);
            try (InputStream raw = message.openRaw()) {
                assertThat(raw.readAllBytes()).isEqualTo(eml);
            }
        }
    }

    static byte[] concat(byte[]... arrays) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] a : arrays) {
            out.writeBytes(a);
        }
        return out.toByteArray();
    }
}
