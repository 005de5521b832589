package org.portcullis.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.portcullis.gateway.spool.SpoolFixtures.envelope;
import static org.portcullis.gateway.spool.SpoolFixtures.message;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.envelope.Envelope;

/**
 * A real full disk: a 1 MB tmpfs mounted for the test (needs root; skipped where mounting is
 * not allowed — the fsync-failure tests in {@link FileSpoolTest} cover the same paths by seam).
 */
class FullDiskTest {

    @TempDir
    Path dir;

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        mount = dir.resolve("disk");
        Files.createDirectories(mount);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        mounted = p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here: " + new String(p.getInputStream().readAllBytes()));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void writeOnAFullDiskFailsAndRemovesThePartialFile() throws Exception {
        SpoolFixtures.Collected s = SpoolFixtures.spool(mount.resolve("spool"));
        Envelope envelope = envelope(1);
        SpoolWriter writer = s.spool().begin(envelope);
        byte[] chunk = message(envelope.queueId(), 64 * 1024, 1);

        assertThatThrownBy(() -> {
            for (int i = 0; i < 64; i++) {
                writer.write(ByteBuffer.wrap(chunk));
            }
        }).isInstanceOf(IOException.class);

        assertThat(Files.list(mount.resolve("spool/incoming")).filter(p -> !p.getFileName().toString()
                .startsWith(".")).toList()).isEmpty();
        CompletableFuture<Void> commit = writer.commit();
        assertThat(commit).isCompletedExceptionally();
        assertThatCode(writer::abort).doesNotThrowAnyException();
        assertThat(s.registry().get("portcullis.spool.write.failures").tag("stage", "write").counter().count())
                .isEqualTo(1);
        s.spool().close();
    }

    @Test
    void commitOnAFullDiskFailsTheFutureAndLeavesNoFile() throws Exception {
        SpoolFixtures.Collected s = SpoolFixtures.spool(mount.resolve("spool"));
        fill(mount.resolve("filler"));
        Envelope envelope = envelope(2);
        SpoolWriter writer = s.spool().begin(envelope);
        writer.write(ByteBuffer.wrap(message(envelope.queueId(), 4_000, 2)));  // still in the buffer

        CompletableFuture<Void> commit = writer.commit();

        assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        for (String state : new String[] {"incoming", "active"}) {
            assertThat(Files.list(mount.resolve("spool").resolve(state))
                    .filter(p -> !p.getFileName().toString().startsWith(".")).toList()).as(state).isEmpty();
        }
        assertThat(s.messages()).isEmpty();
        s.spool().close();
    }

    private static void fill(Path file) {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // the disk is full now
        }
    }
}
