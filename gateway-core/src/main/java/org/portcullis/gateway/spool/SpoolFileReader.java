package org.portcullis.gateway.spool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.portcullis.gateway.envelope.QueueId;

/** Reads a spool file back: header, commit record, and the progress records up to the first bad one. */
public final class SpoolFileReader {

    private SpoolFileReader() {
    }

    public static SpoolFileRead read(Path file) {
        Optional<QueueId> named = SpoolDirectory.queueIdOf(file);
        if (named.isEmpty()) {
            return new SpoolFileRead.Corrupt("file name is not a queue id");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(channel, named.get());
        } catch (NoSuchFileException | java.nio.channels.ClosedByInterruptException e) {
            // Gone, or the reader is being stopped: either way the file is left as it is.
            return new SpoolFileRead.Missing();
        } catch (IOException e) {
            return new SpoolFileRead.Corrupt("cannot be read: " + e.getMessage());
        }
    }

    private static SpoolFileRead read(FileChannel channel, QueueId named) throws IOException {
        long size = channel.size();
        if (size < SpoolFileLayout.HEADER_SIZE) {
            return new SpoolFileRead.Uncommitted("shorter than a header (" + size + " bytes)");
        }
        long contentLength;
        switch (SpoolFileLayout.parse(SpoolRecords.readFully(channel, 0, SpoolFileLayout.HEADER_SIZE))) {
            case SpoolFileLayout.Header.Absent absent -> {
                return new SpoolFileRead.Uncommitted("no commit header");
            }
            case SpoolFileLayout.Header.Invalid invalid -> {
                return new SpoolFileRead.Corrupt(invalid.reason());
            }
            case SpoolFileLayout.Header.Committed committed -> contentLength = committed.contentLength();
        }
        long recordsStart = SpoolFileLayout.HEADER_SIZE + contentLength;
        if (recordsStart > size) {
            return new SpoolFileRead.Corrupt("content is shorter than the header says (" + size + " bytes)");
        }
        SpoolRecords.Commit commit;
        long end;
        switch (SpoolRecords.read(channel, recordsStart, size)) {
            case SpoolRecords.Read.Frame f when f.type() == SpoolRecords.COMMIT -> {
                try {
                    commit = SpoolRecords.decodeCommit(f.payload());
                } catch (IOException e) {
                    return new SpoolFileRead.Corrupt("commit record: " + e.getMessage());
                }
                end = f.end();
            }
            case SpoolRecords.Read.Frame f -> {
                return new SpoolFileRead.Corrupt("first record is of type " + f.type() + ", not a commit");
            }
            case SpoolRecords.Read.End e -> {
                return new SpoolFileRead.Uncommitted("no commit record");
            }
            case SpoolRecords.Read.Torn t -> {
                return new SpoolFileRead.Uncommitted("commit record: " + t.reason());
            }
        }
        if (!commit.envelope().queueId().equals(named)) {
            return new SpoolFileRead.Corrupt("holds message " + commit.envelope().queueId() + ", not " + named);
        }
        Progress progress = Progress.initial(commit.envelope().recipients().size());
        boolean torn = false;
        while (true) {
            SpoolRecords.Read next = SpoolRecords.read(channel, end, size);
            if (next instanceof SpoolRecords.Read.Frame f && f.type() == SpoolRecords.PROGRESS) {
                try {
                    progress = progress.apply(SpoolRecords.decodeProgress(f.payload()));
                } catch (IOException | IllegalArgumentException e) {
                    torn = true;
                    break;
                }
                end = f.end();
            } else {
                torn = !(next instanceof SpoolRecords.Read.End);
                break;
            }
        }
        SpooledMessage message = new SpooledMessage(commit.envelope(), SpoolFileLayout.HEADER_SIZE, contentLength,
                commit.contentCrc(), progress, end);
        return new SpoolFileRead.Readable(message, torn);
    }

    /**
     * Whether the content still has the checksum the commit recorded. Reads the whole content,
     * so it is used only where a commit may have been cut short (files found in incoming/).
     */
    public static boolean contentIntact(Path file, SpooledMessage message) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = message.content(file).openStream()) {
            byte[] chunk = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(chunk)) > 0; ) {
                crc.update(chunk, 0, n);
                total += n;
            }
            return total == message.contentLength() && (int) crc.getValue() == message.contentCrc();
        }
    }
}
