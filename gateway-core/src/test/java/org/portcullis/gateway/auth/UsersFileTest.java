package org.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portcullis.gateway.config.ConfigException;

class UsersFileTest {

    @Test
    void checksPasswordsAgainstSaltedHashes(@TempDir Path dir) throws Exception {
        PasswordHash alice = PasswordHash.create("s3cret".toCharArray());
        PasswordHash bob = PasswordHash.create("s3cret".toCharArray());
        assertThat(alice.toString()).as("same password, different salt").isNotEqualTo(bob.toString());
        Path file = Files.writeString(dir.resolve("users"), "# who may AUTH\n\nalice:" + alice + "\nbob:" + bob + "\n");

        UsersFile users = UsersFile.load(file);

        assertThat(users.size()).isEqualTo(2);
        assertThat(users.check("alice", "s3cret".toCharArray())).isTrue();
        assertThat(users.check("alice", "s3cret ".toCharArray())).isFalse();
        assertThat(users.check("carol", "s3cret".toCharArray())).isFalse();
    }

    @Test
    void aHashReadsBackAsWritten() {
        PasswordHash hash = PasswordHash.create("pw".toCharArray());
        PasswordHash parsed = PasswordHash.parse(hash.toString()).orElseThrow();
        assertThat(parsed.iterations()).isEqualTo(PasswordHash.DEFAULT_ITERATIONS);
        assertThat(parsed.matches("pw".toCharArray())).isTrue();
        assertThat(PasswordHash.parse("md5$abc")).isEmpty();
        assertThat(PasswordHash.parse("pbkdf2-sha256$10$c2FsdHNhbHQ=$AAAA")).as("too few iterations").isEmpty();
    }

    @Test
    void aMalformedLineIsAnErrorWithItsLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("users"), "alice:" + PasswordHash.create("x".toCharArray())
                + "\nbob:plaintext\n");
        assertThatThrownBy(() -> UsersFile.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("users:2").hasMessageContaining("hash-password");
    }
}
