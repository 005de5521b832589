package org.portcullis.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.portcullis.filter.Mutation;

/** Rewrites a corpus message into a temp dir and parses the result back. */
final class Rewrites {

    record Outcome(ParsedMessage original, byte[] bytes, ParsedMessage rewritten, RewriteResult result) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            original.close();
            rewritten.close();
        }
    }

    private Rewrites() {
    }

    static Outcome rewrite(Path dir, String corpusFile, List<Mutation> mutations) throws IOException {
        ParsedMessage original = Corpus.parse(corpusFile);
        return rewrite(dir, original, mutations);
    }

    static Outcome rewrite(Path dir, ParsedMessage original, List<Mutation> mutations) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RewriteResult result = new MessageRewriter().rewrite(original, mutations, out);
        Path file = Files.createTempFile(dir, "rewritten", ".eml");
        Files.write(file, out.toByteArray());
        return new Outcome(original, out.toByteArray(), ParsedMessage.parse(Corpus.envelope(), file, MessageLimits.DEFAULTS),
                result);
    }

    static byte[] rawBytes(ParsedMessage message) throws IOException {
        try (InputStream in = message.openRaw()) {
            return in.readAllBytes();
        }
    }

    /** Where {@code needle} starts in {@code haystack}, or -1. */
    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
