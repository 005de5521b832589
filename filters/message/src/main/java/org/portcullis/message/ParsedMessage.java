package org.portcullis.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Finding;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.MimePart;

/**
 * A message parsed once from its file and shared, read-only, by every filter of the chain.
 *
 * <p>The gateway parses the spooled bytes ({@link #parse(Envelope, Path, long, long, MessageLimits)});
 * the test harness parses an {@code .eml} file ({@link #parse(Envelope, Path, MessageLimits)}).
 * Parsing never fails on what the message contains: limits cut the tree and broken MIME yields
 * the best tree mime4j can make, both listed in {@link #problems()}. Only an unreadable file
 * throws.
 *
 * <p>Memory stays bounded: header fields are kept (up to {@link MessageLimits#maxHeaderSection()}
 * per part), and decoded contents are kept on the heap up to {@link MessageLimits#memoryBudget()}
 * for the whole message, the rest in one temporary file. {@link #close()} deletes that file;
 * streams opened before then must be read before it.
 */
public final class ParsedMessage implements MessageView, AutoCloseable {

    private final Envelope envelope;
    private final MessageSource source;
    private final ParsedPart root;
    private final List<ParseProblem> problems;
    private final ContentStore store;

    private ParsedMessage(Envelope envelope, MessageSource source, ParsedPart root, List<ParseProblem> problems,
                          ContentStore store) {
        this.envelope = envelope;
        this.source = source;
        this.root = root;
        this.problems = problems;
        this.store = store;
    }

    /** Parses {@code length} bytes from {@code offset} of {@code file} (CRLF line ends, not dot-stuffed). */
    public static ParsedMessage parse(Envelope envelope, Path file, long offset, long length, MessageLimits limits)
            throws IOException {
        return parse(envelope, file, offset, length, limits, defaultSpillDirectory());
    }

    /** As {@link #parse(Envelope, Path, long, long, MessageLimits)}, spilling large contents into {@code spillDirectory}. */
    public static ParsedMessage parse(Envelope envelope, Path file, long offset, long length, MessageLimits limits,
                                      Path spillDirectory) throws IOException {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(limits, "limits");
        MessageSource source = new MessageSource(file, offset, length);
        ParseNotes notes = new ParseNotes(limits.maxProblems());
        ContentStore store = new ContentStore(spillDirectory, limits.memoryBudget());
        try {
            ParsedPart root = new MessageParser(source, limits, notes, store).parse();
            return new ParsedMessage(envelope, source, root, notes.problems(), store);
        } catch (IOException | RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    /** Parses a whole file, such as an {@code .eml}. */
    public static ParsedMessage parse(Envelope envelope, Path file, MessageLimits limits) throws IOException {
        return parse(envelope, file, 0, Files.size(file), limits);
    }

    @Override
    public Envelope envelope() {
        return envelope;
    }

    @Override
    public Headers headers() {
        return root.headers();
    }

    @Override
    public ParsedPart root() {
        return root;
    }

    @Override
    public long size() {
        return source.length();
    }

    @Override
    public InputStream openRaw() throws IOException {
        return source.open();
    }

    /** The part at {@code path} ({@link MimePart#path()}), if the tree has it. */
    public Optional<MimePart> part(String path) {
        return parts().filter(p -> p.path().equals(path)).findFirst();
    }

    /** What the parser cut or worked around; empty for a well-formed message within its limits. */
    public List<ParseProblem> problems() {
        return problems;
    }

    /** The problems as findings ({@code mime.limit}, {@code mime.malformed}) for the chain to pass on. */
    public List<Finding> findings() {
        return problems.stream().map(ParseProblem::toFinding).toList();
    }

    /** Whether some decoded content went to a temporary file rather than the heap. */
    public boolean spilled() {
        return store.spilled();
    }

    /** Deletes the temporary file of spilled contents, if there is one. */
    @Override
    public void close() throws IOException {
        store.close();
    }

    private static Path defaultSpillDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
