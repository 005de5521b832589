package org.portcullis.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.message.Corpus.EICAR;
import static org.portcullis.message.Corpus.bytes;
import static org.portcullis.message.Corpus.parse;
import static org.portcullis.message.Corpus.part;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.filter.Finding;
import org.portcullis.filter.MimePart;

class MalformedAndLimitsTest {

    @Test
    void notesAMissingClosingBoundaryAndKeepsTheParts() throws IOException {
        try (ParsedMessage message = parse("malformed-missing-end-boundary.eml")) {
            assertThat(message.parts().map(MimePart::path)).containsExactly("", "1", "2");
            assertThat(message.problems()).extracting(ParseProblem::kind).containsOnly(ParseProblem.Kind.MALFORMED);
            assertThat(message.problems()).anySatisfy(p -> assertThat(p.detail()).contains("prematurely"));
            assertThat(message.findings()).extracting(Finding::name).contains("mime.malformed");
        }
    }

    @Test
    void decodesWhatBase64ItCanAndNotesTheRest() throws IOException {
        try (ParsedMessage message = parse("malformed-bad-base64.eml")) {
            assertThat(new String(bytes(part(message, "2")), StandardCharsets.US_ASCII))
                    .startsWith("Readable text before the damage.\n");
            assertThat(message.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.kind()).isEqualTo(ParseProblem.Kind.MALFORMED);
                assertThat(p.part()).isEqualTo("2");
            });
        }
    }

    @Test
    void skipsAHeaderLineWithoutColonQuotingItAndReadsTheRest() throws IOException {
        try (ParsedMessage message = parse("malformed-header-without-colon.eml")) {
            assertThat(message.headers().first("Subject")).contains("A header line without a colon");
            assertThat(message.headers().contains("Content-Type")).isTrue();
            assertThat(message.problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(ParseProblem.Kind.MALFORMED);
                assertThat(p.detail()).contains("This line has no colon");
            });
        }
    }

    @Test
    void emptyPartHeadersAreNoProblem(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.eml");
        Files.writeString(file, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nA\r\n--b--\r\n");
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), file, MessageLimits.DEFAULTS)) {
            assertThat(message.problems()).isEmpty();
            assertThat(bytes(part(message, "1"))).isEqualTo(new byte[] {'A'});
        }
    }

    @Test
    void cutsDeepNestingAtTheLimitWithoutFailing() throws IOException {
        try (ParsedMessage message = parse("deep-nesting.eml")) {
            int deepest = message.parts().mapToInt(p -> p.path().isEmpty() ? 0 : p.path().split("\\.").length).max().orElse(0);
            assertThat(deepest).isEqualTo(MessageLimits.DEFAULTS.maxDepth());
            assertThat(message.problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(ParseProblem.Kind.LIMIT);
                assertThat(p.toFinding().name()).isEqualTo("mime.limit");
            });
            MimePart cut = message.parts().filter(p -> p.path().split("\\.").length == 20).findFirst().orElseThrow();
            assertThat(cut.isMultipart()).isFalse();
            assertThat(new String(bytes(cut), StandardCharsets.US_ASCII)).contains("The innermost part, 30 levels down.");
        }
    }

    @Test
    void cutsTheTreeAtThePartLimit() throws IOException {
        try (ParsedMessage message = parse("eicar-nested-message.eml", MessageLimits.DEFAULTS.withMaxParts(3))) {
            assertThat(message.parts().map(MimePart::path)).containsExactly("", "1", "2");
            assertThat(message.problems()).singleElement()
                    .satisfies(p -> assertThat(p.describe()).contains("part 2.1").contains("more than 3 parts"));
        }
    }

    @Test
    void cutsAPartAtItsSizeLimit() throws IOException {
        try (ParsedMessage message = parse("eicar-base64.eml", MessageLimits.DEFAULTS.withMaxPartSize(10))) {
            assertThat(bytes(part(message, "2"))).isEqualTo(java.util.Arrays.copyOf(EICAR, 10));
            assertThat(message.problems()).extracting(ParseProblem::kind).contains(ParseProblem.Kind.LIMIT);
        }
    }

    @Test
    void leavesOutHeaderFieldsPastTheHeaderLimit() throws IOException {
        try (ParsedMessage message = parse("clean-plain.eml", MessageLimits.DEFAULTS.withMaxHeaderSection(120))) {
            assertThat(message.headers().all().size()).isLessThan(9);
            assertThat(message.problems()).extracting(ParseProblem::kind).containsOnly(ParseProblem.Kind.LIMIT);
        }
    }

    @Test
    void keepsTheSameBytesWhenContentsGoToDisk(@TempDir Path spill) throws IOException {
        MessageLimits noHeap = MessageLimits.DEFAULTS.withMemoryBudget(0);
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), Corpus.file("eicar-nested-message.eml"),
                0, Files.size(Corpus.file("eicar-nested-message.eml")), noHeap, spill)) {
            assertThat(message.spilled()).isTrue();
            // The file is unlinked as soon as it is open: nothing is left behind even if the JVM dies.
            assertThat(spill).isEmptyDirectory();
            assertThat(bytes(part(message, "2.1.2"))).isEqualTo(EICAR);
        }
        assertThat(spill).isEmptyDirectory();
    }

    @Test
    void readsAVeryLongBodyLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("long.eml");
        String line = "x".repeat(2_000_000);
        Files.writeString(file, "Content-Type: text/html\r\n\r\n" + line + "\r\n");
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), file, MessageLimits.DEFAULTS)) {
            assertThat(message.root().decodedSize()).isEqualTo(line.length() + 2);
            assertThat(message.problems()).isEmpty();
        }
    }

    @Test
    void stopsAtAHeaderFieldLongerThanTheWholeSectionMayBe(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("huge-header.eml");
        Files.writeString(file, "From: a@example.org\r\nSubject: fine\r\nX-Huge: " + "y".repeat(4000) + "\r\nTo: late@example.com\r\n\r\nbody\r\n");
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), file, MessageLimits.DEFAULTS.withMaxHeaderSection(1000))) {
            // mime4j knows a field is complete only when it reads the next line: the one before the long line goes too.
            assertThat(message.headers().all()).extracting(h -> h.name()).containsExactly("From");
            assertThat(message.problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(ParseProblem.Kind.LIMIT);
                assertThat(p.detail()).startsWith("parsing stopped here");
            });
        }
    }

    @Test
    void servesASpilledPartToManyReadersAtOnce(@TempDir Path spill) throws Exception {
        Path file = Corpus.file("eicar-zip.eml");
        try (ParsedMessage message = ParsedMessage.parse(Corpus.envelope(), file, 0, Files.size(file),
                MessageLimits.DEFAULTS.withMemoryBudget(0), spill)) {
            byte[] expected = bytes(part(message, "2"));
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                var reads = new java.util.ArrayList<java.util.concurrent.Future<byte[]>>();
                for (int i = 0; i < 32; i++) {
                    reads.add(pool.submit(() -> bytes(part(message, "2"))));
                }
                for (var read : reads) {
                    assertThat(read.get()).isEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
