package org.portcullis.gateway.spool;

import java.io.IOException;
import org.portcullis.gateway.envelope.Envelope;

/**
 * Where accepted mail is kept until it is delivered. A message is written while it arrives and
 * becomes part of the queue only through {@link SpoolWriter#commit()}: nothing is promised to
 * a client before that future completes.
 */
public interface Spool {

    /**
     * Starts writing a new message for the given envelope (its queue id names the file).
     *
     * @throws IOException when the spool cannot be written (the session answers 452 4.3.1)
     */
    SpoolWriter begin(Envelope envelope) throws IOException;
}
