package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-exact decoding of next-hop replies through an embedded channel. */
class SmtpReplyDecoderTest {

    private static void feed(EmbeddedChannel channel, String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void joinsTheLinesOfAMultiLineReply() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());
        feed(channel, "250-sink.test\r\n250-PIPELINING\r\n250 CHUNKING\r\n");

        SmtpReply reply = channel.readInbound();
        assertThat(reply).isEqualTo(new SmtpReply(250, List.of("sink.test", "PIPELINING", "CHUNKING"), true));
        assertThat(reply.text()).isEqualTo("250 sink.test PIPELINING CHUNKING");
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void waitsForTheRestOfAReplySplitAcrossReads() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());
        feed(channel, "250 2.0.0 Ok: qu");
        assertThat((Object) channel.readInbound()).isNull();
        feed(channel, "eued\r\n354 go ahead\r\n");

        assertThat(((SmtpReply) channel.readInbound()).text()).isEqualTo("250 2.0.0 Ok: queued");
        assertThat(((SmtpReply) channel.readInbound()).code()).isEqualTo(354);
    }

    @Test
    void acceptsBareLineFeedsAndCodesWithoutText() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());
        feed(channel, "220\n221 bye\n");

        assertThat(((SmtpReply) channel.readInbound()).lines()).containsExactly("");
        assertThat(((SmtpReply) channel.readInbound()).text()).isEqualTo("221 bye");
    }

    @Test
    void refusesWhatIsNoReply() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());
        assertThatThrownBy(() -> feed(channel, "HTTP/1.1 400 Bad Request\r\n")).isInstanceOf(DecoderException.class);
    }

    @Test
    void refusesACodeThatChangesWithinAReply() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());
        assertThatThrownBy(() -> feed(channel, "250-first\r\n550 second\r\n")).isInstanceOf(DecoderException.class);
    }

    @Test
    void refusesAnEndlessLine() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmtpReplyDecoder());
        assertThatThrownBy(() -> feed(channel, "250 " + "x".repeat(SmtpReplyDecoder.MAX_LINE + 10)))
                .isInstanceOf(DecoderException.class);
    }

    @Test
    void dropsWhatIsBufferedWhenAskedBeforeTls() {
        SmtpReplyDecoder decoder = new SmtpReplyDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        feed(channel, "250-half a reply\r\n250 and more");

        assertThat(decoder.discardBuffered()).isGreaterThan(0);
        feed(channel, "220 fresh\r\n");
        assertThat(((SmtpReply) channel.readInbound()).text()).isEqualTo("220 fresh");
    }
}
