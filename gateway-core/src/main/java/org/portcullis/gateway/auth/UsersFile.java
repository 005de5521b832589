package org.portcullis.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.portcullis.gateway.config.ConfigException;

/**
 * The users allowed to AUTH: one {@code user:hash} per line ({@code portcullis hash-password}
 * writes the hash); blank lines and lines starting with {@code #} are ignored. A malformed line
 * is an error naming file and line, like any configuration mistake.
 */
public final class UsersFile implements Authenticator {

    private final Map<String, PasswordHash> users;
    /** Checked for unknown users too, so a failed login takes as long whether the user exists or not. */
    private final PasswordHash decoy;

    private UsersFile(Map<String, PasswordHash> users) {
        this.users = Map.copyOf(users);
        this.decoy = PasswordHash.create(Long.toHexString(ThreadLocalRandom.current().nextLong()).toCharArray());
    }

    public static UsersFile load(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot read the users file: " + e.getMessage());
        }
        Map<String, PasswordHash> users = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.lastIndexOf(':');
            String user = colon <= 0 ? "" : line.substring(0, colon);
            var hash = colon <= 0 ? java.util.Optional.<PasswordHash>empty() : PasswordHash.parse(line.substring(colon + 1));
            if (user.isEmpty() || hash.isEmpty()) {
                throw new ConfigException(file, i + 1, "lines must be user:" + PasswordHash.SCHEME
                        + "$... as printed by 'portcullis hash-password'");
            }
            if (users.put(user, hash.get()) != null) {
                throw new ConfigException(file, i + 1, "user '" + user + "' is listed twice");
            }
        }
        return new UsersFile(users);
    }

    public int size() {
        return users.size();
    }

    @Override
    public boolean check(String user, char[] password) {
        PasswordHash hash = users.get(user);
        boolean matches = (hash == null ? decoy : hash).matches(password);
        return hash != null && matches;
    }
}
