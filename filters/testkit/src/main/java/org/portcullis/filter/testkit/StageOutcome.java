package org.portcullis.filter.testkit;

import java.util.Objects;
import java.util.Optional;
import org.portcullis.filter.Recipient;
import org.portcullis.filter.Stage;
import org.portcullis.filter.StageResult;

/**
 * One filter's answer at one stage, as the harness asked it.
 *
 * @param stage     the stage
 * @param filter    the filter's position in the chain, from 0
 * @param name      the filter's class name
 * @param recipient the recipient, at {@link Stage#RCPT_TO}
 * @param result    what it answered
 */
public record StageOutcome(Stage stage, int filter, String name, Optional<Recipient> recipient, StageResult result) {

    public StageOutcome {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(result, "result");
    }
}
