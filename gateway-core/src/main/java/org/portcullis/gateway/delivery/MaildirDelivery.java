package org.portcullis.gateway.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.Recipient;

/**
 * Delivery into a Maildir per recipient under {@code local_delivery.maildir}, by the Maildir
 * protocol: write the message under a unique name into {@code tmp/}, fsync it, rename it into
 * {@code new/}, fsync the directory. A reader never sees half a message, and a message whose
 * rename was made survives a crash. Each copy starts with {@code Return-Path:} and
 * {@code Delivered-To:}; the message bytes follow unchanged, CRLF line ends included (Dovecot
 * and mutt read them, and the bytes stay exactly as the sender's signature covered them).
 */
final class MaildirDelivery {

    static final String RELAY = "maildir";

    private final Path root;
    private final String host;
    private final AtomicLong sequence = new AtomicLong();

    MaildirDelivery(Path root, String hostname) {
        this.root = root.toAbsolutePath().normalize();
        // ':' separates Maildir flags and '/' paths; both are escaped as the Maildir spec says.
        this.host = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    List<RecipientResult> deliver(Envelope envelope, List<Recipient> recipients, MessageContent content) {
        List<RecipientResult> results = new ArrayList<>(recipients.size());
        for (Recipient recipient : recipients) {
            results.add(deliverOne(envelope, recipient, content));
        }
        return results;
    }

    private RecipientResult deliverOne(Envelope envelope, Recipient recipient, MessageContent content) {
        String dirName = MaildirName.of(recipient.address());
        Path maildir = root.resolve(dirName).normalize();
        if (!maildir.getParent().equals(root)) {
            throw new IllegalStateException("Maildir name escapes the root: " + dirName);
        }
        try {
            Path tmp = Files.createDirectories(maildir.resolve("tmp"));
            Path fresh = Files.createDirectories(maildir.resolve("new"));
            Files.createDirectories(maildir.resolve("cur"));
            String unique = uniqueName();
            Path written = tmp.resolve(unique);
            try {
                write(written, envelope, recipient, content);
                Files.move(written, fresh.resolve(unique), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                Files.deleteIfExists(written);
                throw e;
            }
            syncDirectory(fresh);
            return new RecipientResult(recipient, RecipientResult.Status.DELIVERED, RELAY,
                    "2.0.0 delivered to maildir " + dirName + "/new/" + unique);
        } catch (IOException e) {
            return new RecipientResult(recipient, RecipientResult.Status.DEFERRED, RELAY,
                    "4.3.0 cannot write to maildir " + dirName + ": " + describe(e));
        }
    }

    private static void write(Path file, Envelope envelope, Recipient recipient, MessageContent content)
            throws IOException {
        String trace = "Return-Path: <" + envelope.sender() + ">\r\n"
                + "Delivered-To: " + recipient.address() + "\r\n";
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             FileChannel in = content.openChannel()) {
            ByteBuffer header = ByteBuffer.wrap(trace.getBytes(StandardCharsets.UTF_8));
            while (header.hasRemaining()) {
                out.write(header);
            }
            long position = content.offset();
            long end = content.offset() + content.length();
            while (position < end) {
                // In-kernel copy: the message never passes through the heap.
                long n = in.transferTo(position, end - position, out);
                if (n <= 0) {
                    if (position >= in.size()) {
                        throw new IOException("spool file ended " + (end - position) + " octets early");
                    }
                    continue;
                }
                position += n;
            }
            out.force(true);
        }
    }

    private String uniqueName() {
        long now = System.currentTimeMillis();
        long pid = ProcessHandle.current().pid();
        return (now / 1000) + ".M" + (now % 1000) * 1000 + "P" + pid + "Q" + sequence.incrementAndGet()
                + "R" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL) + "." + host;
    }

    private static void syncDirectory(Path dir) throws IOException {
        // Makes the rename itself durable; Linux allows fsync on a directory opened for reading.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof FileAlreadyExistsException) {
            return "file exists: " + e.getMessage();
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return "tmp/ and new/ are on different file systems";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
