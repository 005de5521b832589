package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What DATA puts on the wire for a message, whatever the chunk boundaries. */
class DotStuffedInputTest {

    @TempDir
    Path tmp;

    private String stuffed(String message, int chunk) throws Exception {
        MessageContent content = TestSetup.spool(tmp, message);
        ByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var file = content.openChannel()) {
            DotStuffedInput input = new DotStuffedInput(file, content.offset(), content.length(), chunk);
            while (!input.isEndOfInput()) {
                ByteBuf buf = input.readChunk(alloc);
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                buf.release();
                out.write(bytes);
            }
            assertThat(input.progress()).isEqualTo(out.size());
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "chunk of {0} octets")
    @CsvSource({"1", "2", "3", "7", "65536"})
    void addsADotToEveryLineThatStartsWithOneAndEndsWithDotLine(int chunk) throws Exception {
        assertThat(stuffed(".\r\n..\r\n.x\r\na.b\r\n\r\n.\r\n", chunk))
                .isEqualTo("..\r\n...\r\n..x\r\na.b\r\n\r\n..\r\n.\r\n");
    }

    @ParameterizedTest(name = "chunk of {0} octets")
    @CsvSource({"1", "4", "65536"})
    void leavesDotsAfterABareLineFeedOrCarriageReturnAlone(int chunk) throws Exception {
        assertThat(stuffed("a\n.b\r.c\r\n", chunk)).isEqualTo("a\n.b\r.c\r\n.\r\n");
    }

    @ParameterizedTest(name = "chunk of {0} octets")
    @CsvSource({"1", "65536"})
    void endsAMessageWithoutFinalLineEndOnALineOfItsOwn(int chunk) throws Exception {
        assertThat(stuffed("no line end", chunk)).isEqualTo("no line end\r\n.\r\n");
        assertThat(stuffed("", chunk)).isEqualTo(".\r\n");
    }
}
