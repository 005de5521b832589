package org.portcullis.gateway.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.portcullis.gateway.config.ConfigException;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.queue.AdminResult;
import org.portcullis.gateway.queue.QueueAdmin;
import org.portcullis.gateway.queue.QueueListing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code portcullis queue list|hold|release|delete|flush}: the admin's view of the spool named
 * by the configuration. Safe while the gateway runs: each operation is a rename or an unlink,
 * and the running gateway picks up released and flushed mail within seconds.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "List and manage the mail queue (works while the gateway runs).",
        subcommands = {QueueCommand.ListMessages.class, QueueCommand.Hold.class, QueueCommand.Release.class,
            QueueCommand.Delete.class, QueueCommand.Flush.class})
final class QueueCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private QueueCommand() {
    }

    /** The spool directory from the configuration, which must exist. */
    static QueueAdmin admin(Main.ConfigOption config) throws ConfigException {
        Path dir = config.load().spool().directory();
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(config.name(), 0, "spool.directory " + dir.toAbsolutePath()
                    + " does not exist (has the gateway run here?)");
        }
        return new QueueAdmin(dir);
    }

    /** Runs an admin action, turning configuration and I/O problems into messages and exit codes. */
    private interface Action {
        int run(QueueAdmin admin) throws IOException;
    }

    private static int withAdmin(Main.ConfigOption config, Action action) {
        try {
            return action.run(admin(config));
        } catch (ConfigException e) {
            System.err.println("portcullis: " + e.getMessage());
            return Main.EX_CONFIG;
        } catch (IOException e) {
            System.err.println("portcullis: " + e.getMessage());
            return Main.EX_IOERR;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List queued messages, per state.")
    static final class ListMessages implements Callable<Integer> {
        @CommandLine.Mixin
        Main.ConfigOption config = new Main.ConfigOption();

        @Override
        public Integer call() {
            return withAdmin(config, admin -> {
                List<QueueListing> all = admin.list();
                System.out.printf("%-14s %-8s %10s  %-19s  %-5s %-4s %-19s  %s%n", "QUEUE ID", "STATE", "SIZE",
                        "ARRIVED", "RCPTS", "TRY", "NEXT ATTEMPT", "SENDER");
                for (QueueListing entry : all) {
                    switch (entry) {
                        case QueueListing.Message m -> System.out.printf("%-14s %-8s %10d  %-19s  %-5d %-4d %-19s  <%s>%n",
                                m.queueId(), m.state().directoryName(), m.size(), time(m.arrival()),
                                m.pendingRecipients(), m.attempts(), time(m.nextAttempt()), m.sender());
                        case QueueListing.Unreadable u -> System.out.printf("%-14s %-8s unreadable: %s%n",
                                u.fileName(), u.state().directoryName(), u.reason());
                    }
                }
                System.out.println(all.size() + (all.size() == 1 ? " message" : " messages"));
                return 0;
            });
        }

        private static String time(Instant instant) {
            return instant == null ? "-" : TIME.format(instant);
        }
    }

    /** hold, release and delete: one queue id each. */
    abstract static class OneMessage implements Callable<Integer> {
        @CommandLine.Mixin
        Main.ConfigOption config = new Main.ConfigOption();

        @Parameters(arity = "1..*", paramLabel = "QUEUE_ID", description = "queue ids as in the log and 'queue list'")
        List<String> ids;

        abstract AdminResult apply(QueueAdmin admin, QueueId id) throws IOException;

        @Override
        public Integer call() {
            return withAdmin(config, admin -> {
                int status = 0;
                for (String text : ids) {
                    QueueId id;
                    try {
                        id = new QueueId(text.strip().toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        System.err.println("portcullis: not a queue id: " + text);
                        status = Main.EX_USAGE;
                        continue;
                    }
                    AdminResult result = apply(admin, id);
                    System.out.println(switch (result) {
                        case AdminResult.Moved m -> id + ": moved from " + m.from().directoryName() + " to "
                                + m.to().directoryName();
                        case AdminResult.Deleted d -> id + ": deleted from " + d.from().directoryName();
                        case AdminResult.Unchanged u -> id + ": already in " + u.state().directoryName();
                        case AdminResult.NotFound n -> id + ": not in the queue";
                    });
                    if (result instanceof AdminResult.NotFound) {
                        status = 1;
                    }
                }
                return status;
            });
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true, description = "Stop delivering a message until released.")
    static final class Hold extends OneMessage {
        @Override
        AdminResult apply(QueueAdmin admin, QueueId id) throws IOException {
            return admin.hold(id);
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Deliver a held message again.")
    static final class Release extends OneMessage {
        @Override
        AdminResult apply(QueueAdmin admin, QueueId id) throws IOException {
            return admin.release(id);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove a message from the queue for good, without a DSN.")
    static final class Delete extends OneMessage {
        @Override
        AdminResult apply(QueueAdmin admin, QueueId id) throws IOException {
            return admin.delete(id);
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true, description = "Retry every deferred message now.")
    static final class Flush implements Callable<Integer> {
        @CommandLine.Mixin
        Main.ConfigOption config = new Main.ConfigOption();

        @Override
        public Integer call() {
            return withAdmin(config, admin -> {
                System.out.println(admin.flush() + " deferred messages moved to active");
                return 0;
            });
        }
    }
}
