package org.portcullis.gateway.delivery;

import io.netty.channel.DefaultFileRegion;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.portcullis.gateway.config.DeliveryConfig;
import org.portcullis.gateway.config.RouteConfig;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.Recipient;

/**
 * One mail transaction on an open session: MAIL FROM, RCPT TO for each recipient, then DATA
 * (dot-stuffed while streaming from the spool file) or BDAT (the bytes as they are, zero-copy
 * when not under TLS). Pipelined when the hop offers PIPELINING. Every recipient comes out with
 * a result; nothing here throws for anything a next hop may do.
 */
final class MailTransaction {

    private static final int CHUNK = DotStuffedInput.DEFAULT_CHUNK;

    private final HopSession session;
    private final SmtpConnection connection;
    private final EhloExtensions ext;
    private final DeliveryConfig timeouts;
    private final Envelope envelope;
    private final MessageContent content;
    private final Results results;

    /**
     * What one transaction did.
     *
     * @param results         one per recipient, in the order given
     * @param reusable        whether the session is in a state to carry the next transaction
     * @param lostBeforeMail  the hop gave no reply even to MAIL FROM: on a reused session this
     *                        means it had gone stale, and a fresh connection should be tried
     * @param problem         our own explanation when the connection failed midway, for the log
     */
    record Outcome(List<RecipientResult> results, boolean reusable, boolean lostBeforeMail, Optional<String> problem) {
    }

    private MailTransaction(HopSession session, DeliveryConfig timeouts, Envelope envelope,
                            List<Recipient> recipients, MessageContent content) {
        this.session = session;
        this.connection = session.connection();
        this.ext = session.extensions();
        this.timeouts = timeouts;
        this.envelope = envelope;
        this.content = content;
        this.results = new Results(recipients, session.hop().relay());
    }

    static Outcome run(HopSession session, DeliveryConfig timeouts, Envelope envelope, List<Recipient> recipients,
                       MessageContent content) {
        return new MailTransaction(session, timeouts, envelope, recipients, content).run();
    }

    private Outcome run() {
        Optional<String> refusal = refusalBeforeSending();
        if (refusal.isPresent()) {
            results.failAllOpen(refusal.get());
            return new Outcome(results.list(), true, false, Optional.empty());
        }
        List<Integer> toSend = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            String address = results.recipient(i).address().toString();
            if (!ext.smtpUtf8() && !MailCommands.ascii(address)) {
                results.fail(i, "5.6.7 " + session.hop().relay() + " does not offer SMTPUTF8, which the address <"
                        + address + "> needs");
            } else {
                toSend.add(i);
            }
        }
        if (toSend.isEmpty()) {
            return new Outcome(results.list(), true, false, Optional.empty());
        }
        FileChannel file;
        try {
            file = content.openChannel();
        } catch (IOException e) {
            results.deferAllOpen("4.3.0 cannot read the spooled message: " + e.getMessage());
            return new Outcome(results.list(), true, false, Optional.empty());
        }
        boolean handedOver = false;
        try {
            boolean bdat = ext.chunking();
            boolean pipelining = ext.pipelining();
            String mail = MailCommands.mailFrom(envelope, content.length(), ext);
            List<String> rcpts = toSend.stream()
                    .map(i -> MailCommands.rcptTo(results.recipient(i), ext))
                    .toList();
            SmtpReply mailReply;
            List<SmtpReply> rcptReplies = new ArrayList<>();
            SmtpReply dataReply = null;
            if (pipelining) {
                List<String> batch = new ArrayList<>();
                batch.add(mail);
                batch.addAll(rcpts);
                if (!bdat) {
                    batch.add("DATA");
                }
                connection.send(batch);
                mailReply = connection.read(timeouts.commandTimeout(), "MAIL FROM");
                for (int n = 0; n < rcpts.size(); n++) {
                    rcptReplies.add(connection.read(timeouts.commandTimeout(), "RCPT TO"));
                }
                if (!bdat) {
                    dataReply = connection.read(timeouts.commandTimeout(), "DATA");
                }
            } else {
                connection.send(mail);
                mailReply = connection.read(timeouts.commandTimeout(), "MAIL FROM");
                if (mailReply.isPositive()) {
                    for (String rcpt : rcpts) {
                        connection.send(rcpt);
                        SmtpReply reply = connection.read(timeouts.commandTimeout(), "RCPT TO");
                        rcptReplies.add(reply);
                        if (!reply.fromPeer()) {
                            break;
                        }
                    }
                }
            }
            if (!mailReply.isPositive()) {
                toSend.forEach(i -> results.set(i, mailReply));
                abandonData(dataReply);
                return outcome(!mailReply.fromPeer());
            }
            List<Integer> accepted = new ArrayList<>();
            for (int n = 0; n < toSend.size(); n++) {
                SmtpReply reply = n < rcptReplies.size() ? rcptReplies.get(n) : lastLocal(rcptReplies);
                if (reply.code() == 250 || reply.code() == 251) {
                    accepted.add(toSend.get(n));
                } else {
                    results.set(toSend.get(n), reply);
                }
            }
            if (accepted.isEmpty()) {
                abandonData(dataReply);
                return outcome(false);
            }
            handedOver = true;
            if (bdat) {
                sendBdat(file, accepted);
            } else {
                sendData(file, dataReply, accepted);
            }
            return outcome(false);
        } finally {
            if (!handedOver) {
                closeQuietly(file);
            }
        }
    }

    /** Reasons not to start at all, decided from what the hop announced. */
    private Optional<String> refusalBeforeSending() {
        String relay = session.hop().relay();
        var limit = ext.sizeLimit();
        if (limit.isPresent() && content.length() > limit.getAsLong()) {
            return Optional.of("5.3.4 message of " + content.length() + " octets exceeds the size limit of "
                    + limit.getAsLong() + " octets of " + relay);
        }
        String body = envelope.parameters().body();
        if (body != null && body.equalsIgnoreCase("BINARYMIME") && !(ext.binaryMime() && ext.chunking())) {
            return Optional.of("5.6.3 message needs BINARYMIME and CHUNKING, which " + relay + " does not offer");
        }
        String sender = envelope.sender().toString();
        if (!ext.smtpUtf8() && !MailCommands.ascii(sender)) {
            return Optional.of("5.6.7 " + relay + " does not offer SMTPUTF8, which the sender <" + sender
                    + "> needs");
        }
        return Optional.empty();
    }

    private void sendData(FileChannel file, SmtpReply pipelinedReply, List<Integer> accepted) {
        SmtpReply go;
        if (pipelinedReply != null) {
            go = pipelinedReply;
        } else {
            connection.send("DATA");
            go = connection.read(timeouts.commandTimeout(), "DATA");
        }
        if (go.code() != 354) {
            closeQuietly(file);
            accepted.forEach(i -> results.set(i, go));
            return;
        }
        DotStuffedInput data = new DotStuffedInput(file, content.offset(), content.length(), CHUNK);
        Optional<SmtpReply> broken = connection.stream(List.of(), data, timeouts.dataTimeout(), "message data");
        finalReplies(broken, accepted, "end of data");
    }

    private void sendBdat(FileChannel file, List<Integer> accepted) {
        Object data;
        if (session.encrypted()) {
            try {
                data = new ChunkedNioFile(file, content.offset(), content.length(), CHUNK);
            } catch (IOException e) {
                closeQuietly(file);
                accepted.forEach(i -> results.set(i, SmtpReply.local(451,
                        "4.3.0 cannot read the spooled message: " + e.getMessage())));
                return;
            }
        } else {
            // Straight from the page cache to the socket: no copy through user space.
            data = new DefaultFileRegion(file, content.offset(), content.length());
        }
        Optional<SmtpReply> broken = connection.stream(List.of("BDAT " + content.length() + " LAST"), data,
                timeouts.dataTimeout(), "message data (BDAT)");
        finalReplies(broken, accepted, "BDAT");
    }

    /** SMTP gives one reply for the message; LMTP one per accepted recipient, in RCPT order. */
    private void finalReplies(Optional<SmtpReply> broken, List<Integer> accepted, String what) {
        if (broken.isPresent()) {
            accepted.forEach(i -> results.set(i, broken.get()));
            return;
        }
        if (session.protocol() == RouteConfig.Protocol.LMTP) {
            for (int i : accepted) {
                results.set(i, connection.readAfterData(timeouts.dataTimeout(), what + " for <" + results.recipient(i).address()
                        + ">"));
            }
        } else {
            SmtpReply reply = connection.readAfterData(timeouts.dataTimeout(), what);
            accepted.forEach(i -> results.set(i, reply));
        }
    }

    /** A pipelined DATA that should not have been answered 354 gets an empty message ended at once. */
    private void abandonData(SmtpReply pipelinedDataReply) {
        if (pipelinedDataReply != null && pipelinedDataReply.code() == 354) {
            connection.send(".");
            connection.readAfterData(timeouts.dataTimeout(), "end of empty data");
        }
    }

    private Outcome outcome(boolean lostAtMail) {
        Optional<String> problem = results.localProblem();
        return new Outcome(results.list(), connection.usable(), lostAtMail, problem);
    }

    private static SmtpReply lastLocal(List<SmtpReply> replies) {
        return replies.isEmpty()
                ? SmtpReply.local(421, "4.4.2 no reply to RCPT TO")
                : replies.getLast();
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            // Only read from; nothing to lose.
        }
    }

    /** The per-recipient results as they are decided. */
    private static final class Results {
        private final List<Recipient> recipients;
        private final RecipientResult[] decided;
        private final String relay;

        Results(List<Recipient> recipients, String relay) {
            this.recipients = recipients;
            this.decided = new RecipientResult[recipients.size()];
            this.relay = relay;
        }

        int size() {
            return recipients.size();
        }

        Recipient recipient(int i) {
            return recipients.get(i);
        }

        void set(int i, SmtpReply reply) {
            RecipientResult.Status status = reply.isPositive() ? RecipientResult.Status.DELIVERED
                    : reply.isTransient() ? RecipientResult.Status.DEFERRED
                    : RecipientResult.Status.FAILED;
            decided[i] = new RecipientResult(recipients.get(i), status, relay, reply.text());
            if (!reply.fromPeer() && localProblem == null) {
                localProblem = reply.text();
            }
        }

        private String localProblem;

        Optional<String> localProblem() {
            return Optional.ofNullable(localProblem);
        }

        void fail(int i, String explanation) {
            decided[i] = new RecipientResult(recipients.get(i), RecipientResult.Status.FAILED, relay, explanation);
        }

        void failAllOpen(String explanation) {
            for (int i = 0; i < decided.length; i++) {
                if (decided[i] == null) {
                    fail(i, explanation);
                }
            }
        }

        void deferAllOpen(String explanation) {
            for (int i = 0; i < decided.length; i++) {
                if (decided[i] == null) {
                    decided[i] = new RecipientResult(recipients.get(i), RecipientResult.Status.DEFERRED, relay,
                            explanation);
                }
            }
        }

        List<RecipientResult> list() {
            deferAllOpen("4.4.2 no reply from " + relay);
            return List.of(decided);
        }
    }
}
