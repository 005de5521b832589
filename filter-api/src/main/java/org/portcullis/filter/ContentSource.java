package org.portcullis.filter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** New content for a mutation, readable as often as needed: a stream, so it need not fit in memory. */
@FunctionalInterface
public interface ContentSource {

    InputStream open() throws IOException;

    static ContentSource of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return () -> new ByteArrayInputStream(copy);
    }

    static ContentSource of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }
}
