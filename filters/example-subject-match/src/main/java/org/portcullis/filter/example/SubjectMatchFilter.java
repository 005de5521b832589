package org.portcullis.filter.example;

import java.util.regex.Pattern;
import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.Finding;
import org.portcullis.filter.MailFilter;
import org.portcullis.filter.MessageView;
import org.portcullis.filter.StageResult;

/**
 * Flags messages whose subject matches a pattern from the config. It finds; the site's policy
 * decides what a {@code subject.match} means (tag it, quarantine it, reject it …).
 *
 * <p>Stateless and immutable, so one instance serves every session at once.
 */
public final class SubjectMatchFilter implements MailFilter {

    /** The finding's name, as policy rules match it. */
    public static final String FINDING = "subject.match";

    private final Pattern pattern;

    public SubjectMatchFilter(FilterConfig config) throws FilterConfigException {
        this.pattern = config.pattern("match");          // validated at load, with its line
    }

    @Override
    public StageResult onEndOfMessage(MessageView message) {
        return message.headers().first("Subject")
                .filter(subject -> pattern.matcher(subject).find())
                .map(subject -> StageResult.finding(Finding.of(FINDING, subject)))
                .orElse(StageResult.proceed());
    }
}
