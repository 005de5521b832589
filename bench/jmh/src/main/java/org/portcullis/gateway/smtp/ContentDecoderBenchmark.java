package org.portcullis.gateway.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DATA content: dot-unstuffing, the end-of-data line and CRLF checking (bare CR and LF
 * normalised), as ContentDecoder.forData() does for every byte a client sends. One operation is
 * one whole message arriving in reads of {@code read} bytes (a socket read on loopback is up to
 * 64 KB); the score times {@code size} is the decoder's throughput in bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContentDecoderBenchmark {

    @Param({"1024", "10240", "102400"})
    int size;

    /** plain: 76-character lines; dotted: every fourth line dot-stuffed; bare-lf: LF line ends. */
    @Param({"plain", "dotted", "bare-lf"})
    String content;

    @Param({"65536"})
    int read;

    private ByteBuf wire;
    private ByteBuf out;

    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder();
        String eol = content.equals("bare-lf") ? "\n" : "\r\n";
        int line = 0;
        while (sb.length() < size) {
            if (content.equals("dotted") && line % 4 == 0) {
                sb.append("..");
            }
            sb.append("The quick brown fox jumps over the lazy dog, line ").append(line++).append(" of the body")
                    .append(eol);
        }
        sb.setLength(size - eol.length());
        sb.append(eol).append(".\r\n");
        byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
        wire = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        out = Unpooled.directBuffer(bytes.length * 2);
    }

    @Benchmark
    public int decodeMessage() {
        ContentDecoder decoder = ContentDecoder.forData();
        ByteBuf in = wire.duplicate();
        out.clear();
        while (in.isReadable()) {
            if (decoder.decode(in, Math.min(read, in.readableBytes()), out)) {
                break;
            }
        }
        return out.writerIndex();
    }
}
