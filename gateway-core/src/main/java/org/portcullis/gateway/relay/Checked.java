package org.portcullis.gateway.relay;

import java.util.Objects;

/** The outcome of checking one part of an address: its canonical form, or why it is refused. */
public sealed interface Checked {

    /** Acceptable; {@code canonical} is the form to pass on. */
    record Ok(String canonical) implements Checked {
        public Ok {
            Objects.requireNonNull(canonical, "canonical");
        }
    }

    /** Refused. */
    record Refused(Refusal refusal) implements Checked {
        public Refused {
            Objects.requireNonNull(refusal, "refusal");
        }
    }
}
