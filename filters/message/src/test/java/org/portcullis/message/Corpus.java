package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Direction;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.MimePart;
import org.portcullis.filter.Recipient;

/** The repository's test-corpus/ and small helpers for the tests of this module. */
final class Corpus {

    static final byte[] EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Corpus() {
    }

    static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("test-corpus"))) {
                return p.resolve("test-corpus");
            }
        }
        throw new IllegalStateException("no test-corpus/ above " + Path.of("").toAbsolutePath());
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    static List<Path> all() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(f -> f.toString().endsWith(".eml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Envelope envelope() {
        return new Envelope("TESTQ1", Connection.of(InetAddress.getLoopbackAddress()), Address.parse("alice@example.org"),
                Map.of(), List.of(new Recipient(Address.parse("bob@example.com"), Map.of(), Direction.INBOUND)));
    }

    static ParsedMessage parse(String name) throws IOException {
        return ParsedMessage.parse(envelope(), file(name), MessageLimits.DEFAULTS);
    }

    static ParsedMessage parse(String name, MessageLimits limits) throws IOException {
        return ParsedMessage.parse(envelope(), file(name), limits);
    }

    static byte[] bytes(MimePart part) throws IOException {
        try (InputStream in = part.openDecoded()) {
            return in.readAllBytes();
        }
    }

    static MimePart part(ParsedMessage message, String path) {
        return message.part(path).orElseThrow(() -> new AssertionError("no part " + path + " in "
                + message.parts().map(MimePart::path).toList()));
    }
}
