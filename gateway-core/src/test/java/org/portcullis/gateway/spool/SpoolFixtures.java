package org.portcullis.gateway.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.portcullis.gateway.envelope.ClientInfo;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.envelope.Recipient;

/** Envelopes, message bytes and spools for the spool tests. */
final class SpoolFixtures {

    static final QueueIdGenerator IDS = new QueueIdGenerator();

    private SpoolFixtures() {
    }

    /** An envelope that uses every field, DSN parameters and client details included. */
    static Envelope envelope(int recipients) {
        List<Recipient> to = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            to.add(new Recipient(new MailAddress("rcpt" + i, "example.com"), i % 2 == 0 ? "SUCCESS,FAILURE" : null,
                    i % 2 == 0 ? "rfc822;rcpt" + i + "+40example.com" : null));
        }
        return new Envelope(IDS.next(), new MailAddress("Alice.Sender", "sender.test"), to,
                new MailParameters("8BITMIME", true, "HDRS", "ENV+2B" + recipients),
                new ClientInfo("192.0.2.7", "client.sender.test", "helo.sender.test", "ESMTPSA",
                        "TLSv1.3 TLS_AES_256_GCM_SHA384", "alice"),
                Instant.parse("2025-03-01T10:15:30.123456789Z"));
    }

    /** Message-like bytes: a Received header, CRLF lines, and every byte value in the body. */
    static byte[] message(QueueId id, int size, long seed) {
        byte[] head = ("Received: from client.sender.test by gw.test with ESMTPSA id " + id + "\r\n"
                + "Subject: test " + seed + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[Math.max(size, head.length)];
        System.arraycopy(head, 0, out, 0, head.length);
        Random random = new Random(seed);
        for (int i = head.length; i < out.length; i++) {
            out[i] = (byte) random.nextInt(256);
        }
        return out;
    }

    /** Writes the bytes in chunks of varying size, as a session's reads arrive. */
    static void writeInChunks(SpoolWriter writer, byte[] bytes, long seed) throws IOException {
        Random random = new Random(seed);
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(40_000));
            writer.write(ByteBuffer.wrap(bytes, at, n));
            at += n;
        }
    }

    static byte[] read(org.portcullis.gateway.delivery.MessageContent content) throws IOException {
        try (InputStream in = content.openStream()) {
            return in.readAllBytes();
        }
    }

    /** A spool whose committed messages are collected in {@link Collected#messages}. */
    record Collected(FileSpool spool, List<SpooledMessage> messages, SimpleMeterRegistry registry) {
    }

    static Collected spool(Path root) throws IOException {
        return spool(root, Durability.SYSTEM);
    }

    static Collected spool(Path root, Durability durability) throws IOException {
        List<SpooledMessage> committed = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FileSpool spool = new FileSpool(SpoolDirectory.create(root), durability, new SpoolMetrics(registry),
                committed::add);
        return new Collected(spool, committed, registry);
    }
}
