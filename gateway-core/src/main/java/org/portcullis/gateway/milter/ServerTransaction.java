package org.portcullis.gateway.milter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portcullis.filter.Address;
import org.portcullis.filter.Connection;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Verdict;
import org.portcullis.gateway.envelope.QueueId;

/**
 * One mail transaction the milter server follows, from {@code M} to {@code E} or {@code A}: the
 * envelope as the chain accepted it, each recipient as the MTA wrote it, a discard or quarantine
 * said before the data, and the message as it streams in.
 */
final class ServerTransaction implements AutoCloseable {

    private final QueueId queueId;
    private String mtaQueueId;
    private final Address sender;
    private final Map<String, String> senderParameters;
    private final List<Recipient> recipients = new ArrayList<>();
    private final Map<String, String> rcptArguments = new LinkedHashMap<>();
    private final Path tempDir;
    private final long maxMessageSize;
    private Verdict early;
    private ReceivedMessage message;

    /**
     * @param queueId    ours, in every log line about the message
     * @param mtaQueueId the MTA's, when it gave one ({@code i})
     */
    ServerTransaction(QueueId queueId, String mtaQueueId, Address sender, Map<String, String> senderParameters,
                      Path tempDir, long maxMessageSize) {
        this.queueId = queueId;
        this.mtaQueueId = mtaQueueId;
        this.sender = sender;
        this.senderParameters = Map.copyOf(senderParameters);
        this.tempDir = tempDir;
        this.maxMessageSize = maxMessageSize;
    }

    QueueId queueId() {
        return queueId;
    }

    Address sender() {
        return sender;
    }

    /** The MTA's queue id for logs, {@code -} while it has given none. */
    String mtaQueueId() {
        return mtaQueueId == null ? "-" : mtaQueueId;
    }

    /** Takes the MTA's queue id if it is the first one seen; true when it was. */
    boolean learnMtaQueueId(Optional<String> id) {
        if (mtaQueueId == null && id.isPresent()) {
            mtaQueueId = id.get();
            return true;
        }
        return false;
    }

    /** A discard or quarantine said before the data counts for the whole message, the stricter one winning. */
    void remember(Verdict verdict) {
        if ((verdict instanceof Verdict.Discard || verdict instanceof Verdict.Quarantine)
                && (early == null || Verdict.severity(verdict) > Verdict.severity(early))) {
            early = verdict;
        }
    }

    /** What was said before the data, or null. */
    Verdict early() {
        return early;
    }

    /** A recipient the chain accepted, once per address, with the argument of its {@code R}. */
    void add(Recipient recipient, String argument) {
        String key = RulingReply.Transaction.key(recipient.address());
        if (!rcptArguments.containsKey(key)) {
            rcptArguments.put(key, argument);
            recipients.add(recipient);
        }
    }

    int recipientCount() {
        return recipients.size();
    }

    /** The envelope as the filters see it now. */
    Envelope view(Connection connection) {
        return new Envelope(queueId.value(), connection, sender, senderParameters, recipients);
    }

    /** The envelope as the MTA holds it, for turning changes into modifications. */
    RulingReply.Transaction envelope() {
        return new RulingReply.Transaction(sender, recipients.stream().map(Recipient::address).toList(), rcptArguments);
    }

    /** The message file, opened with the first part of the content. */
    ReceivedMessage message() {
        if (message == null) {
            message = new ReceivedMessage(tempDir, maxMessageSize);
        }
        return message;
    }

    /** The bytes the MTA sent, kept or not. */
    long size() {
        return message == null ? 0 : message.size();
    }

    /** Removes the message file. */
    @Override
    public void close() {
        if (message != null) {
            message.close();
        }
    }
}
