package org.portcullis.message;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A temporary file holding decoded content that did not fit the memory budget. It is opened
 * delete-on-close, which on Linux unlinks it at once: its space is freed when it is closed or
 * the process dies, and no stray file is ever left in the directory.
 * Reads are positional, so any number of threads may read regions at once.
 */
final class SpillFile implements Closeable {

    private final FileChannel channel;
    private long end;

    private SpillFile(FileChannel channel) {
        this.channel = channel;
    }

    static SpillFile create(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = Files.createTempFile(directory, "portcullis-parts-", ".tmp");
        return new SpillFile(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE));
    }

    /** Where the next append goes. */
    long end() {
        return end;
    }

    void append(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            end += channel.write(buffer, end);
        }
    }

    InputStream open(long offset, long length) {
        return new FileRegionStream(channel, offset, length, false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
