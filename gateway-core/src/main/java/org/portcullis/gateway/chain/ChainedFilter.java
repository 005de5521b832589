package org.portcullis.gateway.chain;

import java.time.Duration;
import org.portcullis.filter.MailFilter;

/**
 * One filter in a chain, with what the admin chose for it.
 *
 * @param name     its name in logs, metrics and policy reports
 * @param filter   the filter (shared; {@link MailFilter#forSession()} gives a session's own)
 * @param timeout  the longest one stage may take
 * @param failOpen carry on without it when it fails, instead of answering 4xx
 */
record ChainedFilter(String name, MailFilter filter, Duration timeout, boolean failOpen) {
}
