package org.portcullis.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 50 MB message parsed, read and rewritten by a JVM whose whole heap is 16 MB. */
class BoundedMemoryTest {

    private static final String HEAP = "-Xmx16m";

    @Test
    void parsesReadsAndRewritesA50MbMessageIn16MbOfHeap(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("big.eml");
        String sha = BigMessage.write(file);
        assertThat(Files.size(file)).isGreaterThan(50L * BigMessage.MB);
        Path spill = Files.createDirectories(dir.resolve("spill"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, HEAP, "-cp", System.getProperty("java.class.path"),
                BigMessage.class.getName(), file.toString(), sha, spill.toString())
                .redirectErrorStream(true).start();
        String output;
        try {
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            child.destroyForcibly();
        }
        System.out.println("bounded memory: " + output.strip());
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).startsWith("OK");
        try (var left = Files.list(spill)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of("rewritten.eml"));
        }
    }
}
