package org.portcullis.gateway.spool;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.portcullis.gateway.envelope.ClientInfo;
import org.portcullis.gateway.envelope.Envelope;
import org.portcullis.gateway.envelope.MailAddress;
import org.portcullis.gateway.envelope.MailParameters;
import org.portcullis.gateway.envelope.QueueId;
import org.portcullis.gateway.envelope.Recipient;

/** Every field of an {@link Envelope}, in a fixed binary order, inside the commit record. */
final class EnvelopeCodec {

    /** Sanity bounds against a garbage record that happens to pass its checksum. */
    private static final int MAX_STRING_BYTES = 1 << 20;
    private static final int MAX_RECIPIENTS = 10_000_000;

    private EnvelopeCodec() {
    }

    static void write(DataOutputStream out, Envelope envelope) throws IOException {
        writeString(out, envelope.queueId().value());
        writeAddress(out, envelope.sender());
        MailParameters p = envelope.parameters();
        writeString(out, p.body());
        out.writeBoolean(p.smtpUtf8());
        writeString(out, p.ret());
        writeString(out, p.envid());
        ClientInfo c = envelope.client();
        writeString(out, c.address());
        writeString(out, c.reverseName());
        writeString(out, c.helo());
        writeString(out, c.protocol());
        writeString(out, c.tls());
        writeString(out, c.authUser());
        out.writeLong(envelope.arrival().getEpochSecond());
        out.writeInt(envelope.arrival().getNano());
        out.writeInt(envelope.recipients().size());
        for (Recipient r : envelope.recipients()) {
            writeAddress(out, r.address());
            writeString(out, r.dsnNotify());
            writeString(out, r.dsnOrcpt());
        }
        // Added after the first format: a reader of an older record finds nothing more.
        writeString(out, envelope.route());
    }

    static Envelope read(DataInputStream in) throws IOException {
        QueueId id = new QueueId(readRequired(in));
        MailAddress sender = readAddress(in);
        MailParameters parameters = new MailParameters(readString(in), in.readBoolean(), readString(in), readString(in));
        ClientInfo client = new ClientInfo(readString(in), readString(in), readString(in), readString(in),
                readString(in), readString(in));
        Instant arrival = Instant.ofEpochSecond(in.readLong(), in.readInt());
        int count = in.readInt();
        if (count < 0 || count > MAX_RECIPIENTS) {
            throw new IOException("implausible recipient count " + count);
        }
        List<Recipient> recipients = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            recipients.add(new Recipient(readAddress(in), readString(in), readString(in)));
        }
        String route = in.available() >= Integer.BYTES ? readString(in) : null;
        return new Envelope(id, sender, recipients, parameters, client, arrival, route);
    }

    static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new IOException("implausible string length " + length);
        }
        return new String(in.readNBytes(checkedLength(in, length)), StandardCharsets.UTF_8);
    }

    private static int checkedLength(DataInputStream in, int length) throws IOException {
        if (in.available() < length) {
            throw new IOException("record ends inside a string");
        }
        return length;
    }

    private static String readRequired(DataInputStream in) throws IOException {
        String value = readString(in);
        if (value == null) {
            throw new IOException("required field is missing");
        }
        return value;
    }

    private static void writeAddress(DataOutputStream out, MailAddress address) throws IOException {
        writeString(out, address.localPart());
        writeString(out, address.domain());
    }

    private static MailAddress readAddress(DataInputStream in) throws IOException {
        return new MailAddress(readRequired(in), readRequired(in));
    }
}
