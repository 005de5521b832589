package org.portcullis.gateway.config;

import java.nio.file.Path;

/**
 * SMTP AUTH (PLAIN, LOGIN), offered only after STARTTLS.
 *
 * @param usersFile {@code auth.users_file}: lines of {@code user:hash} as written by
 *                  {@code portcullis hash-password}; null turns AUTH off
 */
public record AuthConfig(Path usersFile) {

    public static AuthConfig defaults() {
        return new AuthConfig(null);
    }

    public boolean enabled() {
        return usersFile != null;
    }
}
