package org.portcullis.gateway.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.portcullis.gateway.spool.SpoolFixtures.envelope;
import static org.portcullis.gateway.spool.SpoolFixtures.message;
import static org.portcullis.gateway.spool.SpoolFixtures.read;
import static org.portcullis.gateway.spool.SpoolFixtures.spool;
import static org.portcullis.gateway.spool.SpoolFixtures.writeInChunks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.envelope.Envelope;

class FileSpoolTest {

    @TempDir
    Path root;

    @Test
    void messageWrittenInChunksComesBackByteExactWithItsFullEnvelopeAfterCommitAndAfterRecovery() throws Exception {
        Envelope envelope = envelope(3);
        byte[] bytes = message(envelope.queueId(), 300_000, 1);
        SpoolFixtures.Collected s = spool(root);

        SpoolWriter writer = s.spool().begin(envelope);
        writeInChunks(writer, bytes, 7);
        assertThat(writer.size()).isEqualTo(bytes.length);
        writer.commit().get(10, TimeUnit.SECONDS);
        s.spool().close();

        Path file = s.spool().directory().file(SpoolState.ACTIVE, envelope.queueId());
        assertThat(s.messages()).singleElement().satisfies(m -> {
            assertThat(m.envelope()).isEqualTo(envelope);
            assertThat(m.pendingRecipients()).isEqualTo(envelope.recipients());
            assertThat(read(m.content(file))).isEqualTo(bytes);
        });
        assertThat(Files.list(root.resolve("incoming")).toList()).isEmpty();

        SpoolFixtures.Collected again = spool(root);
        SpoolRecovery.Result recovered = again.spool().recover();
        assertThat(recovered.report().active()).isEqualTo(1);
        assertThat(recovered.messages()).singleElement().satisfies(r -> {
            assertThat(r.state()).isEqualTo(SpoolState.ACTIVE);
            assertThat(r.message().envelope()).isEqualTo(envelope);
            assertThat(r.message()).isEqualTo(s.messages().get(0));
            assertThat(read(r.message().content(file))).isEqualTo(bytes);
        });
        again.spool().close();
    }

    @Test
    void aQuarantinedMessageIsCommittedIntoHoldWithItsRouteAndIsNotHandedToTheQueue() throws Exception {
        Envelope envelope = envelope(1).withRoute("legal-hold");
        byte[] bytes = message(envelope.queueId(), 5_000, 2);
        SpoolFixtures.Collected s = spool(root);
        SpoolWriter writer = s.spool().begin(envelope);
        writeInChunks(writer, bytes, 3);
        assertThat(read(writer.content())).as("readable in place before the commit").isEqualTo(bytes);
        writer.commitToHold().get(10, TimeUnit.SECONDS);
        s.spool().close();

        assertThat(s.messages()).as("nothing to deliver").isEmpty();
        assertThat(s.spool().directory().file(SpoolState.HOLD, envelope.queueId())).exists();
        SpoolFixtures.Collected again = spool(root);
        SpoolRecovery.Result recovered = again.spool().recover();
        assertThat(recovered.report().held()).isEqualTo(1);
        assertThat(recovered.messages()).as("held, so not for delivery").isEmpty();
        assertThat(SpoolFileReader.read(again.spool().directory().file(SpoolState.HOLD, envelope.queueId())))
                .isInstanceOfSatisfying(SpoolFileRead.Readable.class,
                        r -> assertThat(r.message().envelope()).isEqualTo(envelope));
        again.spool().close();
    }

    @Test
    void uncommittedIncomingFileIsRemovedWhileACommittedButUnmovedOneCountsAsCommitted() throws Exception {
        SpoolFixtures.Collected s = spool(root);
        Envelope unfinished = envelope(1);
        SpoolWriter open = s.spool().begin(unfinished);
        writeInChunks(open, message(unfinished.queueId(), 50_000, 2), 2);
        Envelope committed = envelope(2);
        SpoolWriter writer = s.spool().begin(committed);
        byte[] bytes = message(committed.queueId(), 20_000, 3);
        writeInChunks(writer, bytes, 3);
        writer.commit().get(10, TimeUnit.SECONDS);
        s.spool().close();
        // The crash came after the commit record's fsync but before the rename reached the disk.
        SpoolDirectory dir = s.spool().directory();
        Files.move(dir.file(SpoolState.ACTIVE, committed.queueId()), dir.file(SpoolState.INCOMING, committed.queueId()));

        SpoolFixtures.Collected after = spool(root);
        SpoolRecovery.Result result = after.spool().recover();

        assertThat(result.report().incomingRemoved()).isEqualTo(1);
        assertThat(result.report().incomingRecovered()).isEqualTo(1);
        assertThat(result.report().active()).isEqualTo(1);
        assertThat(Files.exists(dir.file(SpoolState.INCOMING, unfinished.queueId()))).isFalse();
        assertThat(result.messages()).singleElement().satisfies(r -> {
            assertThat(r.message().envelope()).isEqualTo(committed);
            assertThat(read(r.message().content(dir.file(SpoolState.ACTIVE, committed.queueId())))).isEqualTo(bytes);
        });
        after.spool().close();
    }

    @Test
    void incomingFileWithACommitRecordButDamagedContentIsSetAsideNotDelivered() throws Exception {
        SpoolFixtures.Collected s = spool(root);
        Envelope envelope = envelope(1);
        SpoolWriter writer = s.spool().begin(envelope);
        writeInChunks(writer, message(envelope.queueId(), 10_000, 4), 4);
        writer.commit().get(10, TimeUnit.SECONDS);
        s.spool().close();
        SpoolDirectory dir = s.spool().directory();
        Path incoming = dir.file(SpoolState.INCOMING, envelope.queueId());
        Files.move(dir.file(SpoolState.ACTIVE, envelope.queueId()), incoming);
        try (FileChannel ch = FileChannel.open(incoming, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[100]), 5000);  // the content pages never made it
        }

        SpoolRecovery.Result result = spool(root).spool().recover();

        assertThat(result.messages()).isEmpty();
        assertThat(result.report().corrupt()).isEqualTo(1);
        assertThat(Files.exists(dir.directory(SpoolState.CORRUPT).resolve(envelope.queueId().value()))).isTrue();
    }

    @Test
    void tornLastProgressRecordIsIgnoredAndTheGoodStateBeforeItStands() throws Exception {
        SpoolFixtures.Collected s = spool(root);
        Envelope envelope = envelope(2);
        SpoolWriter writer = s.spool().begin(envelope);
        writeInChunks(writer, message(envelope.queueId(), 5_000, 5), 5);
        writer.commit().get(10, TimeUnit.SECONDS);
        Path file = s.spool().directory().file(SpoolState.ACTIVE, envelope.queueId());
        SpooledMessage message = s.messages().get(0);
        TreeMap<Integer, RecipientProgress> first = new TreeMap<>();
        first.put(0, new RecipientProgress(RecipientProgress.State.DELIVERED, "hop[192.0.2.1]:25", "250 2.0.0 Ok"));
        first.put(1, new RecipientProgress(RecipientProgress.State.PENDING, "hop[192.0.2.1]:25", "451 4.3.0 later"));
        Instant next = Instant.parse("2025-03-01T10:20:00Z");
        try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            message = s.spool().recordProgress(ch, message, new ProgressUpdate(1, next, first));
            // A crash in the middle of appending the second record: half of it reached the disk.
            ByteBuffer second = SpoolRecords.progress(new ProgressUpdate(2, next.plusSeconds(60), new TreeMap<>()));
            ch.write(second.limit(second.limit() / 2), ch.size());
        }
        s.spool().close();

        SpoolFileRead read = SpoolFileReader.read(file);
        assertThat(read).isInstanceOfSatisfying(SpoolFileRead.Readable.class, r -> {
            assertThat(r.tornTail()).isTrue();
            assertThat(r.message().progress().attempts()).isEqualTo(1);
            assertThat(r.message().progress().nextAttempt()).isEqualTo(next);
            assertThat(r.message().pendingRecipients()).containsExactly(envelope.recipients().get(1));
            assertThat(r.message().progress().recipients().get(1).reply()).isEqualTo("451 4.3.0 later");
        });

        // The next record is written over the torn one, and both survive the next read.
        SpooledMessage recovered = ((SpoolFileRead.Readable) read).message();
        SpoolFixtures.Collected again = spool(root);
        TreeMap<Integer, RecipientProgress> third = new TreeMap<>();
        third.put(1, new RecipientProgress(RecipientProgress.State.DELIVERED, "hop", "250 ok"));
        try (FileChannel ch = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            again.spool().recordProgress(ch, recovered, new ProgressUpdate(2, null, third));
        }
        assertThat(SpoolFileReader.read(file)).isInstanceOfSatisfying(SpoolFileRead.Readable.class, r -> {
            assertThat(r.tornTail()).isFalse();
            assertThat(r.message().progress().attempts()).isEqualTo(2);
            assertThat(r.message().progress().pendingCount()).isZero();
        });
        again.spool().close();
    }

    @Test
    void garbageAndTruncatedFilesAreSetAsideWithTheirNamesAndDoNotStopRecovery() throws Exception {
        SpoolFixtures.Collected s = spool(root);
        Envelope good = envelope(1);
        SpoolWriter writer = s.spool().begin(good);
        writeInChunks(writer, message(good.queueId(), 8_000, 6), 6);
        writer.commit().get(10, TimeUnit.SECONDS);
        Envelope truncated = envelope(1);
        writer = s.spool().begin(truncated);
        writeInChunks(writer, message(truncated.queueId(), 8_000, 7), 7);
        writer.commit().get(10, TimeUnit.SECONDS);
        s.spool().close();
        SpoolDirectory dir = s.spool().directory();
        Path truncatedFile = dir.file(SpoolState.ACTIVE, truncated.queueId());
        Files.move(truncatedFile, dir.file(SpoolState.DEFERRED, truncated.queueId()));
        try (FileChannel ch = FileChannel.open(dir.file(SpoolState.DEFERRED, truncated.queueId()),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(4000);
        }
        byte[] garbage = new byte[5000];
        new java.util.Random(9).nextBytes(garbage);
        String garbageId = SpoolFixtures.IDS.next().value();
        Files.write(dir.directory(SpoolState.ACTIVE).resolve(garbageId), garbage);
        Files.write(dir.directory(SpoolState.ACTIVE).resolve("notes.txt"), "left by an admin".getBytes());
        Files.write(dir.directory(SpoolState.HOLD).resolve(SpoolFixtures.IDS.next().value()), new byte[0]);

        SpoolFixtures.Collected after = spool(root);
        SpoolRecovery.Result result = after.spool().recover();

        assertThat(result.messages()).extracting(r -> r.message().envelope()).containsExactly(good);
        assertThat(result.report().corrupt()).isEqualTo(4);
        assertThat(after.spool().metrics()).isNotNull();
        assertThat(Files.list(dir.directory(SpoolState.CORRUPT)).map(p -> p.getFileName().toString()).toList())
                .contains(garbageId, "notes.txt", truncated.queueId().value()).hasSize(4);
        assertThat(after.registry().get("portcullis.spool.corrupt").counter().count()).isEqualTo(4);
        after.spool().close();
    }

    @Test
    void concurrentCommitsShareDirectoryFsyncs() throws Exception {
        SpoolFixtures.Collected s = spool(root);
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 20; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10; i++) {
                    try {
                        Envelope envelope = envelope(1);
                        SpoolWriter writer = s.spool().begin(envelope);
                        writer.write(ByteBuffer.wrap(message(envelope.queueId(), 2_000 + i, thread * 100L + i)));
                        futures.add(writer.commit());
                    } catch (IOException e) {
                        futures.add(CompletableFuture.failedFuture(e));
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        s.spool().close();

        SpoolMetrics metrics = s.spool().metrics();
        System.out.printf("group commit: %d commits, %d file fsyncs, %d directory fsyncs, mean batch %.1f%n",
                metrics.commits(), metrics.fileFsyncs(), metrics.directoryFsyncs(), metrics.meanBatchSize());
        assertThat(metrics.commits()).isEqualTo(200);
        assertThat(s.messages()).hasSize(200);
        assertThat(Files.list(root.resolve("active")).count()).isEqualTo(200);
        assertThat(metrics.directoryFsyncs()).isLessThanOrEqualTo(200 / 4);
    }

    @Test
    void aFailingFsyncFailsTheCommitAndLeavesNoFile() throws Exception {
        Durability dying = new Durability() {
            @Override
            public void syncFile(FileChannel channel) throws IOException {
                throw new IOException("Input/output error");
            }

            @Override
            public void syncDirectory(Path directory) throws IOException {
                Durability.SYSTEM.syncDirectory(directory);
            }
        };
        SpoolFixtures.Collected s = spool(root, dying);
        Envelope envelope = envelope(1);
        SpoolWriter writer = s.spool().begin(envelope);
        writeInChunks(writer, message(envelope.queueId(), 40_000, 8), 8);

        CompletableFuture<Void> commit = writer.commit();

        assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IOException.class);
        assertNoMessageFiles();
        assertThat(s.messages()).isEmpty();
        assertThat(s.registry().get("portcullis.spool.commits").tag("result", "failed").counter().count()).isEqualTo(1);
        assertThatCode(writer::abort).doesNotThrowAnyException();
        s.spool().close();
    }

    @Test
    void aFailingDirectoryFsyncFailsTheWholeBatchAndRemovesItsFiles() throws Exception {
        Durability dying = new Durability() {
            @Override
            public void syncFile(FileChannel channel) throws IOException {
                Durability.SYSTEM.syncFile(channel);
            }

            @Override
            public void syncDirectory(Path directory) throws IOException {
                throw new IOException("Input/output error");
            }
        };
        SpoolFixtures.Collected s = spool(root, dying);
        Envelope envelope = envelope(1);
        SpoolWriter writer = s.spool().begin(envelope);
        writer.write(ByteBuffer.wrap(message(envelope.queueId(), 1_000, 9)));

        CompletableFuture<Void> commit = writer.commit();

        assertThatThrownBy(() -> commit.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        assertNoMessageFiles();
        assertThat(s.messages()).isEmpty();
        s.spool().close();
    }

    @Test
    void abortRemovesTheFileNeverFailsAndDoesNothingOnceCommitted() throws Exception {
        SpoolFixtures.Collected s = spool(root);
        Envelope aborted = envelope(1);
        SpoolWriter writer = s.spool().begin(aborted);
        writeInChunks(writer, message(aborted.queueId(), 30_000, 10), 10);
        writer.abort();
        writer.abort();
        assertNoMessageFiles();
        assertThatThrownBy(() -> writer.write(ByteBuffer.wrap(new byte[1]))).isInstanceOf(IllegalStateException.class);

        Envelope kept = envelope(1);
        SpoolWriter committed = s.spool().begin(kept);
        committed.write(ByteBuffer.wrap(message(kept.queueId(), 100, 11)));
        CompletableFuture<Void> commit = committed.commit();
        committed.abort();
        commit.get(10, TimeUnit.SECONDS);
        assertThat(Files.exists(s.spool().directory().file(SpoolState.ACTIVE, kept.queueId()))).isTrue();
        s.spool().close();
    }

    @Test
    void beginRefusesAQueueIdThatIsAlreadySpooled() throws Exception {
        SpoolFixtures.Collected s = spool(root);
        Envelope envelope = envelope(1);
        SpoolWriter writer = s.spool().begin(envelope);
        writer.write(ByteBuffer.wrap(message(envelope.queueId(), 100, 12)));
        assertThatThrownBy(() -> s.spool().begin(envelope)).isInstanceOf(FileAlreadyExistsException.class);
        writer.commit().get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> s.spool().begin(envelope)).isInstanceOf(FileAlreadyExistsException.class);
        s.spool().close();
    }

    @Test
    void aClosedSpoolRefusesNewMessages() throws Exception {
        SpoolFixtures.Collected s = spool(root);
        s.spool().close();
        assertThatThrownBy(() -> s.spool().begin(envelope(1))).isInstanceOf(IOException.class);
    }

    private void assertNoMessageFiles() throws IOException {
        for (SpoolState state : SpoolState.values()) {
            try (var files = Files.list(root.resolve(state.directoryName()))) {
                assertThat(files.filter(p -> !p.getFileName().toString().startsWith(".")).toList())
                        .as(state.directoryName()).isEmpty();
            }
        }
    }
}
