package org.portcullis.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Decoded content kept by a {@link ContentStore}: on the heap when small, else a region of the spill file. */
sealed interface StoredContent {

    StoredContent EMPTY = new InMemory(new byte[0]);

    InputStream open() throws IOException;

    long size();

    record InMemory(byte[] bytes) implements StoredContent {
        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public long size() {
            return bytes.length;
        }
    }

    record Spilled(SpillFile file, long offset, long length) implements StoredContent {
        @Override
        public InputStream open() throws IOException {
            return file.open(offset, length);
        }

        @Override
        public long size() {
            return length;
        }
    }
}
