package org.portcullis.gateway.spool;

/** Told of each message the moment it is durable in active/, before its client hears 250. */
@FunctionalInterface
public interface CommitListener {

    /** Must return quickly: it runs on the spool's committer thread. */
    void committed(SpooledMessage message);
}
