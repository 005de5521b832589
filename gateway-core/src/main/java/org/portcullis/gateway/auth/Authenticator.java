package org.portcullis.gateway.auth;

/**
 * Checks SMTP AUTH credentials. Checking is deliberately slow (a password hash); the SMTP
 * session calls it off its event loop.
 */
public interface Authenticator {

    /** Whether {@code user} exists and {@code password} is theirs. */
    boolean check(String user, char[] password);
}
