package org.portcullis.message;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Keeps the decoded content of a message's parts: on the heap while the message's total stays
 * within the memory budget, then in one spill file, so a message of any size costs the heap at
 * most the budget (plus a write buffer). One {@link Sink} is open at a time.
 */
final class ContentStore implements Closeable {

    private static final int WRITE_BUFFER = 64 * 1024;

    private final Path spillDirectory;
    private final long memoryBudget;
    private long heldInMemory;
    private SpillFile spill;

    ContentStore(Path spillDirectory, long memoryBudget) {
        this.spillDirectory = spillDirectory;
        this.memoryBudget = memoryBudget;
    }

    /** Starts the content of one part; bytes past {@code maxSize} are counted but dropped. */
    Sink open(long maxSize) {
        return new Sink(maxSize);
    }

    /** Whether some content went to disk. */
    boolean spilled() {
        return spill != null;
    }

    @Override
    public void close() throws IOException {
        if (spill != null) {
            spill.close();
        }
    }

    private SpillFile spill() throws IOException {
        if (spill == null) {
            spill = SpillFile.create(spillDirectory);
        }
        return spill;
    }

    final class Sink extends OutputStream {
        private final long maxSize;
        private byte[] buffer = new byte[256];
        private int buffered;
        private boolean onDisk;
        private long diskOffset;
        private long kept;
        private long seen;

        private Sink(long maxSize) {
            this.maxSize = maxSize;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            seen += length;
            int take = (int) Math.min(length, maxSize - kept);
            if (take <= 0) {
                return;
            }
            if (!onDisk && heldInMemory + kept + take > memoryBudget) {
                moveToDisk();
            }
            if (onDisk && buffered + take > WRITE_BUFFER) {
                flushToDisk();
            }
            if (onDisk && take >= WRITE_BUFFER) {
                spill.append(bytes, offset, take);
            } else {
                ensureRoom(take);
                System.arraycopy(bytes, offset, buffer, buffered, take);
                buffered += take;
            }
            kept += take;
        }

        /** Whether the part was longer than the store kept. */
        boolean truncated() {
            return seen > kept;
        }

        long seen() {
            return seen;
        }

        StoredContent finish() throws IOException {
            if (onDisk) {
                flushToDisk();
                buffer = null;
                return new StoredContent.Spilled(spill, diskOffset, kept);
            }
            heldInMemory += buffered;
            return buffered == 0 ? StoredContent.EMPTY : new StoredContent.InMemory(Arrays.copyOf(buffer, buffered));
        }

        private void moveToDisk() throws IOException {
            onDisk = true;
            diskOffset = spill().end();
            flushToDisk();
        }

        private void flushToDisk() throws IOException {
            spill.append(buffer, 0, buffered);
            buffered = 0;
        }

        private void ensureRoom(int more) {
            if (buffered + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffered + more, Math.min(buffer.length * 2, Integer.MAX_VALUE - 8)));
            }
        }
    }
}
