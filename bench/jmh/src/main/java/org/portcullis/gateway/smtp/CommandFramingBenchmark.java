package org.portcullis.gateway.smtp;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.portcullis.gateway.relay.SmtpPathParser;

/**
 * Command lines: cutting pipelined bytes into lines (SmtpFramer, CRLF-strict, UTF-8 checked),
 * and reading the arguments of MAIL FROM and RCPT TO (EnvelopeArguments with the relay-trick
 * refusing SmtpPathParser). One operation is one command line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CommandFramingBenchmark {

    /** A client's transaction as it pipelines it: the lines SmtpFramer sees per message. */
    private static final String[] LINES = {
        "MAIL FROM:<bench@sender.example.org> SIZE=10240 BODY=8BITMIME",
        "RCPT TO:<user@example.com>",
        "DATA",
        "RSET",
        "NOOP",
        "RCPT TO:<other.user+tag@sub.example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;other.user@example.com",
        "EHLO client.example.net",
        "QUIT",
    };

    private static final int REPEAT = 128;

    private EmbeddedChannel channel;
    private Counter counter;
    private ByteBuf pipelined;
    private EnvelopeArguments arguments;

    /** Counts what the framer hands on and lets it go. */
    private static final class Counter extends ChannelInboundHandlerAdapter {
        long lines;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof SmtpInput.Line) {
                lines++;
            }
        }
    }

    @Setup
    public void setUp() {
        counter = new Counter();
        channel = new EmbeddedChannel(new SmtpFramer(2048), counter);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < REPEAT; i++) {
            for (String line : LINES) {
                sb.append(line).append("\r\n");
            }
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
        pipelined = Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
        arguments = new EnvelopeArguments(new SmtpPathParser("mx.bench.example.org", new SimpleMeterRegistry()),
                50L * 1024 * 1024);
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    /** Frames {@code REPEAT × LINES.length} pipelined lines arriving in one read. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(REPEAT * 8)
    public long frameLines() {
        channel.writeInbound(pipelined.duplicate());
        return counter.lines;
    }

    /** Reads the argument of one MAIL FROM and one RCPT TO (two operations). */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(2)
    public void parseMailAndRcpt(Blackhole bh) {
        bh.consume(arguments.mail("<bench@sender.example.org> SIZE=10240 BODY=8BITMIME"));
        bh.consume(arguments.rcpt("<user@example.com>", false));
    }
}
