package org.portcullis.filter.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.portcullis.filter.Envelope;
import org.portcullis.filter.Headers;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.MimePart;

/** A parsed message seen with the envelope of the recipients the chain accepted. */
record WithEnvelope(MessageView message, Envelope envelope) implements MessageView {

    @Override
    public Headers headers() {
        return message.headers();
    }

    @Override
    public MimePart root() {
        return message.root();
    }

    @Override
    public long size() {
        return message.size();
    }

    @Override
    public InputStream openRaw() throws IOException {
        return message.openRaw();
    }

    @Override
    public Stream<MimePart> parts() {
        return message.parts();
    }
}
