package org.portcullis.filter;

/**
 * Makes filters of one kind from their configuration; found with {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/org.portcullis.filter.FilterFactory}). The admin
 * names the kind in the chain:
 *
 * <pre>
 * filters:
 *   inbound:
 *     - type: subject-match     # this factory's {@link #type()}
 *       match: "(?i)invoice"    # read by the filter through its FilterConfig
 * </pre>
 */
public interface FilterFactory {

    /** The name an admin writes as {@code type:}, e.g. {@code subject-match}. */
    String type();

    /**
     * Makes a filter. Read every setting here, so a mistake stops the gateway at start with the
     * file and line of the setting, never at the first message.
     *
     * @throws FilterConfigException when a setting is missing or wrong
     */
    MailFilter create(FilterConfig config) throws FilterConfigException;
}
