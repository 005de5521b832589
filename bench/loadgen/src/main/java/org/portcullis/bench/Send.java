package org.portcullis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The load: {@code --sessions} SMTP sessions in parallel, each sending one message after the
 * other over its connection (EHLO once; MAIL, RCPT, DATA per message, each waiting for its
 * reply, as smtp-source does), one recipient, message bodies of exactly {@code --size} bytes
 * (plus a header section of about 250 bytes).
 *
 * <p>Two modes. By time: {@code --warmup}, then a measured window of {@code --duration}; the
 * sink's counter is read at both ends of the window, so the end-to-end rate counts messages that
 * reached the next hop during it. By count ({@code --messages N}, to compare with smtp-source):
 * N messages from the start, timed until the sink has them all.
 *
 * <p>Latency is that of the final DATA reply: from the moment the end-of-data line is written
 * until the reply is read, for replies that arrive inside the window.
 */
final class Send {

    private final InetSocketAddress target;
    private final int sessions;
    private final MessageBody message;
    private final String from;
    private final String to;
    private final int timeoutMillis;
    private final double rate;
    private final AtomicLong budget;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    private volatile boolean stop;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    private Send(InetSocketAddress target, int sessions, MessageBody message, String from, String to,
                 int timeoutMillis, double rate, long messages) {
        this.target = target;
        this.sessions = sessions;
        this.message = message;
        this.from = from;
        this.to = to;
        this.timeoutMillis = timeoutMillis;
        this.rate = rate;
        this.budget = messages > 0 ? new AtomicLong(messages) : null;
    }

    /** What one session counted. */
    private static final class Tally {
        final Latencies latencies = new Latencies();
        /** From MAIL FROM written to the final reply read: the whole transaction. */
        final Latencies transactions = new Latencies();
        long accepted;
        long acceptedInWindow;
        long failed;
        long failedInWindow;
        long connectErrors;
    }

    static int run(Args args, PrintStream out) throws Exception {
        InetSocketAddress target = args.address("target", null);
        if (target == null) {
            throw new IllegalArgumentException("--target host:port is required");
        }
        int sessions = (int) args.number("sessions", 1);
        long size = args.size("size", 10 * 1024);
        long messages = args.number("messages", 0);
        // By count, a warm-up happens only when asked for: it sends messages that are not counted.
        Duration warmup = args.duration("warmup", messages > 0 ? Duration.ZERO : Duration.ofSeconds(5));
        Duration duration = args.duration("duration", Duration.ofSeconds(20));
        double rate = Double.parseDouble(args.string("rate", "0"));
        InetSocketAddress sinkControl = args.address("sink-control", null);
        double ticks = Double.parseDouble(args.string("clk-tck", "100"));
        String watch = args.string("watch", "");
        String label = args.string("label", "");
        Duration drainTimeout = args.duration("drain-timeout", Duration.ofSeconds(60));
        String from = args.string("from", "bench@sender.example.org");
        String to = args.string("to", "user@example.com");
        int timeoutMillis = (int) args.duration("timeout", Duration.ofSeconds(120)).toMillis();
        args.finish();

        List<ProcessTree> trees = new ArrayList<>();
        for (String spec : watch.split(";")) {
            if (!spec.isBlank()) {
                trees.add(ProcessTree.parse(spec.trim(), ticks));
            }
        }
        String runId = Long.toString(ProcessHandle.current().pid(), 36) + Long.toString(System.nanoTime() % 1_000_000, 36);
        Send send = new Send(target, sessions, new MessageBody(size, from, to, runId), from, to, timeoutMillis, rate,
                messages);
        Map<String, Object> result = new LinkedHashMap<>();
        for (String kv : label.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                result.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        result.put("target", target.getHostString() + ":" + target.getPort());
        result.put("size", size);
        result.put("message_bytes", send.message.size());
        result.put("sessions", sessions);
        result.put("rate_target", rate);
        result.put("load_avg_start", Files.readString(Path.of("/proc/loadavg")).trim());
        if (messages > 0 && !warmup.isZero()) {
            // Same JVM, so the load generator's own code is compiled before the timed count starts.
            Send warm = new Send(target, sessions, send.message, from, to, timeoutMillis, rate, 0);
            warm.warmUp(warmup, sinkControl, drainTimeout);
            result.put("warmup_s", warmup.toMillis() / 1000.0);
        }
        send.measure(messages, warmup, duration, sinkControl, trees, ticks, drainTimeout, result);
        out.println(Json.write(result));
        out.flush();
        return 0;
    }

    private void measure(long messages, Duration warmup, Duration duration, InetSocketAddress sinkControl,
                         List<ProcessTree> trees, double ticks, Duration drainTimeout, Map<String, Object> result)
            throws Exception {
        long[] sinkBase = sinkControl == null ? null : Sink.query(sinkControl);
        Sampler sampler = new Sampler(trees);
        Thread samplerThread = Thread.ofPlatform().daemon(true).name("sampler").start(sampler);
        ProcessTree.Reading[] cpuStart = new ProcessTree.Reading[trees.size()];
        ProcessTree.Reading[] cpuEnd = new ProcessTree.Reading[trees.size()];
        long[] sinkAtStart;
        long[] sinkAtEnd;
        double selfCpuStart;
        List<Tally> tallies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long begun = System.nanoTime();
        boolean countMode = messages > 0;
        if (countMode) {
            // Timed from the first connection: like running smtp-source under time(1).
            windowStart = begun;
            sinkAtStart = sinkBase;
            readAll(trees, cpuStart);
            selfCpuStart = selfCpu(ticks);
        } else {
            sinkAtStart = null;
            selfCpuStart = 0;
        }
        for (int i = 0; i < sessions; i++) {
            Tally t = new Tally();
            tallies.add(t);
            int index = i;
            threads.add(sessionThread(i).start(() -> session(t, index)));
        }
        long measuredNanos;
        if (countMode) {
            for (Thread t : threads) {
                t.join();
            }
            long accepted = tallies.stream().mapToLong(t -> t.accepted).sum();
            long acceptedDone = System.nanoTime();
            long deliveredDone = acceptedDone;
            if (sinkControl != null) {
                deliveredDone = waitForSink(sinkControl, sinkBase[0] + accepted, drainTimeout);
            }
            windowEnd = deliveredDone;
            measuredNanos = deliveredDone - begun;
            sinkAtEnd = sinkControl == null ? null : Sink.query(sinkControl);
            readAll(trees, cpuEnd);
            result.put("mode", "count");
            result.put("accept_seconds", (acceptedDone - begun) / 1e9);
            if (sinkAtEnd != null) {
                result.put("sink_bytes_per_message", (sinkAtEnd[1] - sinkAtStart[1]) / (double) Math.max(1, accepted));
            }
        } else {
            sleepUntil(begun + warmup.toNanos());
            sinkAtStart = sinkControl == null ? null : Sink.query(sinkControl);
            readAll(trees, cpuStart);
            selfCpuStart = selfCpu(ticks);
            long start = System.nanoTime();
            windowStart = start;
            windowEnd = start + duration.toNanos();
            sleepUntil(windowEnd);
            sinkAtEnd = sinkControl == null ? null : Sink.query(sinkControl);
            readAll(trees, cpuEnd);
            measuredNanos = windowEnd - start;
            stop = true;
            for (Thread t : threads) {
                t.join(timeoutMillis + 5000L);
            }
            result.put("mode", "time");
            result.put("warmup_s", warmup.toMillis() / 1000.0);
        }
        double selfCpuEnd = selfCpu(ticks);
        sampler.stop();
        samplerThread.join(2000);

        double seconds = measuredNanos / 1e9;
        long acceptedTotal = tallies.stream().mapToLong(t -> t.accepted).sum();
        long accepted = tallies.stream().mapToLong(t -> t.acceptedInWindow).sum();
        long failed = tallies.stream().mapToLong(t -> t.failedInWindow).sum();
        long[] lat = Latencies.merge(tallies.stream().map(t -> t.latencies).toList());
        long delivered = sinkAtEnd == null ? -1 : sinkAtEnd[0] - sinkAtStart[0];
        result.put("duration_s", seconds);
        result.put("accepted", accepted);
        result.put("failed", failed);
        result.put("connect_errors", tallies.stream().mapToLong(t -> t.connectErrors).sum());
        result.put("accept_rate", accepted / seconds);
        result.put("delivered", delivered);
        result.put("e2e_rate", delivered < 0 ? null : delivered / seconds);
        result.put("p50_ms", Latencies.percentileMillis(lat, 0.50));
        result.put("p90_ms", Latencies.percentileMillis(lat, 0.90));
        result.put("p99_ms", Latencies.percentileMillis(lat, 0.99));
        result.put("max_ms", Latencies.percentileMillis(lat, 1.0));
        result.put("latency_samples", lat.length);
        long[] tx = Latencies.merge(tallies.stream().map(t -> t.transactions).toList());
        result.put("transaction_p50_ms", Latencies.percentileMillis(tx, 0.50));
        result.put("transaction_p99_ms", Latencies.percentileMillis(tx, 0.99));
        long counted = delivered > 0 ? delivered : accepted;
        for (int i = 0; i < trees.size(); i++) {
            String n = trees.get(i).name();
            double cpu = cpuEnd[i].cpuSeconds() - cpuStart[i].cpuSeconds();
            result.put(n + "_cpu_s", cpu);
            result.put(n + "_cpu_s_per_1k", counted > 0 ? cpu * 1000.0 / counted : null);
            result.put(n + "_cpu_cores", cpu / seconds);
            long peak = Math.max(sampler.peakRss(i), Math.max(cpuEnd[i].rssBytes(), cpuEnd[i].hwmBytes()));
            result.put(n + "_rss_peak_mb", peak / (1024.0 * 1024.0));
            result.put(n + "_pss_peak_mb", sampler.peakPss(i) / (1024.0 * 1024.0));
            result.put(n + "_processes", cpuEnd[i].processes());
        }
        result.put("loadgen_cpu_s", selfCpuEnd - selfCpuStart);
        if (sinkControl != null) {
            long[] now = Sink.query(sinkControl);
            long backlog = acceptedTotal - (now[0] - sinkBase[0]);
            long drainStart = System.nanoTime();
            if (!countMode && backlog > 0) {
                waitForSink(sinkControl, sinkBase[0] + acceptedTotal, drainTimeout);
                now = Sink.query(sinkControl);
            }
            result.put("backlog_at_stop", backlog);
            result.put("drain_s", (System.nanoTime() - drainStart) / 1e9);
            result.put("undelivered_after_drain", acceptedTotal - (now[0] - sinkBase[0]));
        }
        result.put("first_failure", firstFailure.get());
    }

    /** Sends for {@code time} without counting, then waits until the sink has what was accepted. */
    private void warmUp(Duration time, InetSocketAddress sinkControl, Duration drainTimeout) throws Exception {
        long[] base = sinkControl == null ? null : Sink.query(sinkControl);
        List<Tally> tallies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Tally t = new Tally();
            tallies.add(t);
            int index = i;
            threads.add(sessionThread(i).start(() -> session(t, index)));
        }
        Thread.sleep(time.toMillis());
        stop = true;
        for (Thread t : threads) {
            t.join(timeoutMillis + 5000L);
        }
        if (sinkControl != null) {
            waitForSink(sinkControl, base[0] + tallies.stream().mapToLong(t -> t.accepted).sum(), drainTimeout);
        }
    }

    /**
     * One platform thread per session: a blocking read or write is then one system call, where
     * a virtual thread adds the poller's registrations and hand-offs. On two cores the load
     * generator's own CPU is taken from the contender, so it must cost as little as it can.
     */
    private static Thread.Builder sessionThread(int index) {
        return Thread.ofPlatform().daemon(true).name("session-" + index).stackSize(256 * 1024);
    }

    private void session(Tally tally, int index) {
        double interval = rate > 0 ? sessions / rate * 1e9 : 0;
        long next = System.nanoTime() + (long) (interval * index / sessions);
        while (!stop) {
            try (SmtpChannel c = new SmtpChannel(target, timeoutMillis)) {
                expect(c.reply(), "greeting");
                c.command("EHLO loadgen.bench.example.org");
                expect(c.reply(), "EHLO");
                while (!stop && (budget == null || budget.getAndDecrement() > 0)) {
                    if (interval > 0) {
                        long now = System.nanoTime();
                        if (next > now) {
                            LockSupport.parkNanos(next - now);
                        } else if (next < now - (long) interval) {
                            next = now; // behind: carry on at the rate, never in a burst
                        }
                        next += (long) interval;
                    }
                    sendOne(c, tally);
                }
                if (budget != null && budget.get() <= 0 || stop) {
                    c.command("QUIT");
                    c.reply();
                    return;
                }
            } catch (IOException e) {
                tally.connectErrors++;
                noteFailure("connection: " + e.getMessage());
                if (budget != null) {
                    budget.incrementAndGet(); // the message that was not sent goes back
                }
                LockSupport.parkNanos(50_000_000L);
            }
        }
    }

    private void sendOne(SmtpChannel c, Tally tally) throws IOException {
        long began = System.nanoTime();
        c.command("MAIL FROM:<" + from + ">");
        SmtpChannel.Reply mail = c.reply();
        if (!mail.positive()) {
            failed(tally, mail, "MAIL");
            c.command("RSET");
            c.reply();
            return;
        }
        c.command("RCPT TO:<" + to + ">");
        SmtpChannel.Reply rcpt = c.reply();
        if (!rcpt.positive()) {
            failed(tally, rcpt, "RCPT");
            c.command("RSET");
            c.reply();
            return;
        }
        c.command("DATA");
        SmtpChannel.Reply data = c.reply();
        if (data.code() != 354) {
            failed(tally, data, "DATA");
            c.command("RSET");
            c.reply();
            return;
        }
        c.write(message.header(sequence.incrementAndGet()));
        c.write(message.body());
        c.write(END_OF_DATA);
        c.flush();
        long sent = System.nanoTime();
        SmtpChannel.Reply end = c.reply();
        long done = System.nanoTime();
        boolean inWindow = done >= windowStart && done < windowEnd;
        if (end.code() >= 200 && end.code() < 300) {
            tally.accepted++;
            if (inWindow) {
                tally.acceptedInWindow++;
                tally.latencies.add(done - sent);
                tally.transactions.add(done - began);
            }
        } else {
            failed(tally, end, "end of data");
        }
    }

    private static final byte[] END_OF_DATA = {'.', '\r', '\n'};

    private void failed(Tally tally, SmtpChannel.Reply reply, String stage) {
        tally.failed++;
        long now = System.nanoTime();
        if (now >= windowStart && now < windowEnd) {
            tally.failedInWindow++;
        }
        noteFailure(stage + ": " + reply.text());
    }

    private void noteFailure(String text) {
        firstFailure.compareAndSet(null, text);
    }

    private static void expect(SmtpChannel.Reply reply, String what) throws IOException {
        if (!reply.positive()) {
            throw new IOException(what + " refused: " + reply.text());
        }
    }

    /** @return the time at which the sink had counted {@code target} messages, or gave up */
    private static long waitForSink(InetSocketAddress control, long target, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Sink.query(control)[0] >= target) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        return System.nanoTime();
    }

    private static void readAll(List<ProcessTree> trees, ProcessTree.Reading[] into) {
        for (int i = 0; i < trees.size(); i++) {
            into[i] = trees.get(i).read(true);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000), 0);
        }
    }

    /** This load generator's own CPU seconds, so a reader sees what the load itself cost. */
    private static double selfCpu(double ticks) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticks;
    }

    /** Samples the resident set of every tree four times a second and keeps the peaks. */
    private static final class Sampler implements Runnable {
        private final List<ProcessTree> trees;
        private final long[] peaks;
        private final long[] pssPeaks;
        private volatile boolean done;

        Sampler(List<ProcessTree> trees) {
            this.trees = trees;
            this.peaks = new long[trees.size()];
            this.pssPeaks = new long[trees.size()];
        }

        @Override
        public void run() {
            for (long n = 0; !done; n++) {
                boolean pss = n % 4 == 0; // smaps_rollup costs more: once a second
                for (int i = 0; i < trees.size(); i++) {
                    ProcessTree.Reading r = trees.get(i).read(false, pss);
                    synchronized (this) {
                        peaks[i] = Math.max(peaks[i], r.rssBytes());
                        pssPeaks[i] = Math.max(pssPeaks[i], r.pssBytes());
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized long peakRss(int i) {
            return peaks[i];
        }

        synchronized long peakPss(int i) {
            return pssPeaks[i];
        }

        void stop() {
            done = true;
        }
    }
}
