package org.portcullis.gateway.config;

import java.nio.file.Path;

/**
 * A configuration file that cannot be used, with where and why: file, line, what is wrong and
 * what is allowed.
 */
public final class ConfigException extends Exception {

    private final String file;
    private final int line;

    public ConfigException(String file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    public ConfigException(Path file, int line, String message) {
        this(String.valueOf(file), line, message);
    }

    public String file() {
        return file;
    }

    /** The 1-based line, or 0 when the problem is with the file as a whole. */
    public int line() {
        return line;
    }
}
