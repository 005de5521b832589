package org.portcullis.filter;

/**
 * A filter's setting that cannot be used. The gateway adds the file and line of the setting.
 */
public final class FilterConfigException extends Exception {

    private final String key;

    /**
     * @param key     the setting, as a dotted path below the filter's section (e.g. {@code match})
     * @param message what is wrong and what is allowed
     */
    public FilterConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
