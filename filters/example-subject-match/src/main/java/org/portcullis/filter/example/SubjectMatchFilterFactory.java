package org.portcullis.filter.example;

import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;
import org.portcullis.filter.MailFilter;

/**
 * Makes {@link SubjectMatchFilter}s for chain entries of {@code type: subject-match}. Found by
 * the gateway through {@code META-INF/services/org.portcullis.filter.FilterFactory}.
 */
public final class SubjectMatchFilterFactory implements FilterFactory {

    @Override
    public String type() {
        return "subject-match";
    }

    @Override
    public MailFilter create(FilterConfig config) throws FilterConfigException {
        return new SubjectMatchFilter(config);
    }
}
