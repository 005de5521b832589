package org.portcullis.gateway.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContentDecoderTest {

    /** What DATA stores for {@code wire}, and what is left after the end-of-data line. */
    private record Decoded(String content, boolean ended, String rest) {
    }

    private static Decoded data(String wire) {
        ByteBuf in = Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1);
        ByteBuf out = Unpooled.buffer();
        boolean ended = ContentDecoder.forData().decode(in, in.readableBytes(), out);
        return new Decoded(out.toString(StandardCharsets.ISO_8859_1), ended, in.toString(StandardCharsets.ISO_8859_1));
    }

    /** The same, fed one byte at a time: state must carry across every possible split. */
    private static Decoded dataByteByByte(String wire) {
        ContentDecoder decoder = ContentDecoder.forData();
        ByteBuf in = Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1);
        ByteBuf out = Unpooled.buffer();
        boolean ended = false;
        while (in.isReadable() && !ended) {
            ended = decoder.decode(in, 1, out);
        }
        return new Decoded(out.toString(StandardCharsets.ISO_8859_1), ended, in.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void removesOneStuffedDotAndEndsAtTheDotLine() {
        Decoded d = data("Subject: x\r\n\r\n..\r\n...two\r\n.one\r\nplain.\r\n.\r\nQUIT\r\n");
        assertThat(d.ended()).isTrue();
        assertThat(d.content()).isEqualTo("Subject: x\r\n\r\n.\r\n..two\r\none\r\nplain.\r\n");
        assertThat(d.rest()).isEqualTo("QUIT\r\n");
    }

    @Test
    void anEmptyMessageIsJustTheDotLine() {
        Decoded d = data(".\r\n");
        assertThat(d.ended()).isTrue();
        assertThat(d.content()).isEmpty();
    }

    @Test
    void aDotLineWithTextIsNotTheEnd() {
        Decoded d = data("a\r\n. \r\n.x\r\n");
        assertThat(d.ended()).isFalse();
        assertThat(d.content()).isEqualTo("a\r\n \r\nx\r\n");
    }

    @ParameterizedTest(name = "separator {0}")
    @ValueSource(strings = {"\\n.\\n", "\\n.\\r\\n", "\\r.\\r", "\\r.\\r\\n", "\\r\\n.\\n", "\\r\\n.\\r", "\\n.\\r"})
    void onlyCrLfDotCrLfEndsTheDataAndBareLineEndsBecomeCrLf(String escaped) {
        String separator = escaped.replace("\\r", "\r").replace("\\n", "\n");
        String wire = "hello" + separator + "MAIL FROM:<evil@x>\r\n.\r\n";
        for (Decoded d : new Decoded[] {data(wire), dataByteByByte(wire)}) {
            assertThat(d.ended()).isTrue();
            assertThat(d.rest()).isEmpty();
            assertThat(d.content()).contains("MAIL FROM:<evil@x>\r\n");
            // Canonical: every CR is followed by LF and every LF preceded by CR.
            assertThat(d.content().replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
        }
    }

    @Test
    void byteByByteFeedingGivesTheSameBytes() {
        String wire = "A: b\r\n\r\n.\rx\n.\n..\r\n.\r\r\n\r\n.\r\n";
        assertThat(dataByteByByte(wire)).isEqualTo(data(wire));
    }

    @Test
    void chunksKeepDotsAndNormaliseACrSplitAcrossChunks() {
        ContentDecoder decoder = ContentDecoder.forChunks();
        ByteBuf out = Unpooled.buffer();
        decoder.decode(Unpooled.copiedBuffer(".a\r", StandardCharsets.US_ASCII), 3, out);
        decoder.decode(Unpooled.copiedBuffer("\n.\r\nb\nc\r", StandardCharsets.US_ASCII), 8, out);
        decoder.finish(out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(".a\r\n.\r\nb\r\nc\r\n");
        assertThat(decoder.bareLineEnds()).isEqualTo(2);
    }

    @Test
    void chunkDecodingStopsAtItsLimit() {
        ContentDecoder decoder = ContentDecoder.forChunks();
        ByteBuf in = Unpooled.copiedBuffer("abcdefgh", StandardCharsets.US_ASCII);
        ByteBuf out = Unpooled.buffer();
        decoder.decode(in, 5, out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("abcde");
        assertThat(in.readableBytes()).isEqualTo(3);
    }
}
