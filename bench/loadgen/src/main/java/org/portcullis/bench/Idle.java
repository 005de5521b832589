package org.portcullis.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds many idle sessions: each connects, reads the greeting, says EHLO and then waits, reading
 * (so a server that hangs up is noticed at once), until {@code --hold} is over, then QUITs.
 * Connections are opened at {@code --open-rate} per second. Prints its progress every few seconds
 * on stderr and one JSON line at the end.
 */
final class Idle {

    static int run(Args args, PrintStream out) throws Exception {
        InetSocketAddress target = args.address("target", null);
        if (target == null) {
            throw new IllegalArgumentException("--target host:port is required");
        }
        int connections = (int) args.number("connections", 10_000);
        Duration hold = args.duration("hold", Duration.ofSeconds(60));
        long openRate = args.number("open-rate", 2000);
        String label = args.string("label", "");
        args.finish();

        AtomicLong opened = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong closedByServer = new AtomicLong();
        AtomicLong held = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        long start = System.nanoTime();
        long holdEnd = start + (long) (connections * 1e9 / openRate) + hold.toNanos();
        List<Thread> threads = new ArrayList<>(connections);
        Thread progress = Thread.ofPlatform().daemon(true).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException e) {
                    return;
                }
                System.err.printf("idle: open=%d failed=%d closed_by_server=%d%n",
                        opened.get() - closedByServer.get(), failed.get(), closedByServer.get());
            }
        });
        for (int i = 0; i < connections; i++) {
            long due = start + (long) (i * 1e9 / openRate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            threads.add(Thread.ofVirtual().start(() -> {
                try (SmtpChannel c = new SmtpChannel(target, 30_000)) {
                    if (!c.reply().positive()) {
                        throw new IOException("greeting refused");
                    }
                    c.command("EHLO idle.bench.example.org");
                    if (!c.reply().positive()) {
                        throw new IOException("EHLO refused");
                    }
                    opened.incrementAndGet();
                    long left = (holdEnd - System.nanoTime()) / 1_000_000;
                    if (left > 0) {
                        try {
                            c.setTimeout((int) left);
                            c.reply();
                            closedByServer.incrementAndGet();
                            return;
                        } catch (SocketTimeoutException e) {
                            held.incrementAndGet(); // still open at the end: what we wanted
                        }
                    } else {
                        held.incrementAndGet();
                    }
                    c.setTimeout(10_000);
                    c.command("QUIT");
                    c.reply();
                } catch (IOException e) {
                    if (opened.get() > 0 && e.getMessage() != null && e.getMessage().startsWith("connection closed")) {
                        closedByServer.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    firstError.compareAndSet(null, String.valueOf(e.getMessage()));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        progress.interrupt();
        Map<String, Object> result = new LinkedHashMap<>();
        for (String kv : label.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                result.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        result.put("connections", connections);
        result.put("opened", opened.get());
        result.put("held_to_end", held.get());
        result.put("closed_by_server", closedByServer.get());
        result.put("failed", failed.get());
        result.put("first_error", firstError.get());
        out.println(Json.write(result));
        return held.get() == connections ? 0 : 1;
    }
}
