package org.portcullis.gateway.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.portcullis.gateway.delivery.MessageContent;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.log.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archives a policy's {@code copy_to_archive} names ({@code archives:} in the configuration):
 * each a Maildir, written by the Maildir rules (tmp/, fsync, rename into new/) before the
 * message is acknowledged, with the envelope in {@code X-Portcullis-Envelope-*} headers first.
 */
public final class Archives {

    private static final Logger LOG = LoggerFactory.getLogger("archive");
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Map<String, Path> archives;
    private final String hostname;

    public Archives(Map<String, Path> archives, String hostname) {
        this.archives = Map.copyOf(archives);
        this.hostname = hostname;
    }

    /**
     * Copies the message into each named archive.
     *
     * @throws IOException when an archive cannot be written: the message is then not accepted
     *                     (a copy the policy asked for must not silently go missing)
     */
    public void copy(List<String> names, Envelope envelope, MessageContent content) throws IOException {
        for (String name : names) {
            Path root = archives.get(name);
            if (root == null) {
                throw new IOException("no archive is called '" + name + "'");
            }
            Path file = write(root, envelope, content);
            EventLog.info(LOG, envelope.queueId(), "archived", "archive", name, "file", root.relativize(file));
        }
    }

    private Path write(Path root, Envelope envelope, MessageContent content) throws IOException {
        for (String sub : List.of("tmp", "new", "cur")) {
            Files.createDirectories(root.resolve(sub));
        }
        String unique = System.currentTimeMillis() / 1000 + "." + envelope.queueId() + "_" + SEQUENCE.incrementAndGet()
                + "." + hostname;
        Path tmp = root.resolve("tmp").resolve(unique);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
             InputStream in = content.openStream()) {
            out.write(envelopeHeaders(envelope).getBytes(StandardCharsets.UTF_8));
            in.transferTo(out);
            out.flush();
            channel.force(true);
        }
        Path target = root.resolve("new").resolve(unique);
        Files.move(tmp, target);
        try (FileChannel dir = FileChannel.open(root.resolve("new"), StandardOpenOption.READ)) {
            dir.force(true);
        }
        return target;
    }

    /** Who sent it to whom, as the envelope said: what an archive search needs beyond the headers. */
    private static String envelopeHeaders(Envelope envelope) {
        StringBuilder h = new StringBuilder();
        h.append("X-Portcullis-Envelope-From: <").append(envelope.sender()).append(">\r\n");
        envelope.recipients().forEach(r -> h.append("X-Portcullis-Envelope-To: <").append(r.address()).append(">\r\n"));
        h.append("X-Portcullis-Queue-Id: ").append(envelope.queueId()).append("\r\n");
        return h.toString();
    }
}
