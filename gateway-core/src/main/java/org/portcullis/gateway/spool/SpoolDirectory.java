package org.portcullis.gateway.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.portcullis.gateway.envelope.QueueId;

/**
 * The spool's directory tree: one directory per {@link SpoolState}, one file per message named
 * by its queue id. Moving a message between states is a rename, which is atomic, so a message
 * is always in exactly one state — also while an admin tool works on the same tree.
 */
public final class SpoolDirectory {

    /** The states a message file can be found in, in the order they are searched. */
    private static final List<SpoolState> MESSAGE_STATES =
            List.of(SpoolState.ACTIVE, SpoolState.DEFERRED, SpoolState.HOLD, SpoolState.INCOMING);

    private final Path root;

    private SpoolDirectory(Path root) {
        this.root = root;
    }

    /**
     * Creates any missing state directory and proves the spool usable: a probe file is written,
     * synced and removed.
     *
     * @throws IOException naming the directory and the reason when it cannot be used
     */
    public static SpoolDirectory create(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        try {
            for (SpoolState state : SpoolState.values()) {
                Files.createDirectories(absolute.resolve(state.directoryName()));
            }
            Path probe = absolute.resolve(SpoolState.INCOMING.directoryName()).resolve(".probe");
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {'o', 'k'}));
                Durability.SYSTEM.syncFile(channel);
            } finally {
                Files.deleteIfExists(probe);
            }
            Durability.SYSTEM.syncDirectory(absolute.resolve(SpoolState.ACTIVE.directoryName()));
        } catch (IOException e) {
            throw new IOException("spool directory " + absolute + " is not usable: " + e, e);
        }
        return new SpoolDirectory(absolute);
    }

    /** An existing spool as the admin tools see it; nothing is created or checked. */
    public static SpoolDirectory existing(Path root) {
        return new SpoolDirectory(root.toAbsolutePath().normalize());
    }

    public Path root() {
        return root;
    }

    public Path directory(SpoolState state) {
        return root.resolve(state.directoryName());
    }

    public Path file(SpoolState state, QueueId id) {
        return directory(state).resolve(id.value());
    }

    /** Which state directory holds the message now, if any (corrupt/ is not searched). */
    public Optional<SpoolState> locate(QueueId id) {
        for (SpoolState state : MESSAGE_STATES) {
            if (Files.exists(file(state, id))) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /** The regular files in one state directory, sorted by name (so by queue id, by age). */
    public List<Path> files(SpoolState state) throws IOException {
        Path dir = directory(state);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(out::add);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return out;
    }

    /**
     * Renames a message from one state to another; never replaces a file that is already there.
     *
     * @return false when the message is not (or no longer) in {@code from}
     */
    public boolean move(QueueId id, SpoolState from, SpoolState to) throws IOException {
        try {
            // Without options Files.move refuses an existing target and then renames.
            Files.move(file(from, id), file(to, id));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Makes the names in one state directory durable (fsync of the directory). */
    public void sync(SpoolState state) throws IOException {
        Durability.SYSTEM.syncDirectory(directory(state));
    }

    /**
     * Moves a file that cannot be used into corrupt/, under its own name or, when taken, a
     * numbered variant of it. Nothing is ever deleted here.
     *
     * @return where the file now is
     */
    public Path setAside(Path file) throws IOException {
        Path dir = directory(SpoolState.CORRUPT);
        Files.createDirectories(dir);
        String name = file.getFileName().toString().replaceFirst("^\\.+", "");
        for (int n = 0; ; n++) {
            Path target = dir.resolve(n == 0 ? name : name + "." + n);
            try {
                Files.move(file, target);
                return target;
            } catch (FileAlreadyExistsException taken) {
                // try the next free name
            }
        }
    }

    /** The queue id a spool file is named by, if its name is one. */
    public static Optional<QueueId> queueIdOf(Path file) {
        try {
            return Optional.of(new QueueId(file.getFileName().toString()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
