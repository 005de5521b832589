package org.portcullis.policy;

/**
 * A policy file that cannot be used, with where and why: {@code policy.yaml:12: 'spam.score'
 * takes above/below/equals with a number, e.g. { above: 5 }}. The gateway never runs with half
 * a policy, so every mistake is found at load time.
 */
public final class PolicyException extends Exception {

    private final String file;
    private final int line;
    private final String problem;

    /**
     * @param file    the file (or source name) the policy came from
     * @param line    the 1-based line, or 0 when the problem is with the file as a whole
     * @param problem what is wrong and what is allowed instead
     */
    public PolicyException(String file, int line, String problem) {
        super(line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    /** The 1-based line, or 0 for the file as a whole. */
    public int line() {
        return line;
    }

    /** The message without file and line. */
    public String problem() {
        return problem;
    }
}
