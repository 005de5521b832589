package org.portcullis.gateway.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.portcullis.gateway.delivery.TestSetup.config;
import static org.portcullis.gateway.delivery.TestSetup.request;
import static org.portcullis.gateway.delivery.TestSetup.spool;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unrouted mail into local_delivery.maildir, one Maildir per address. */
class MaildirDeliveryTest {

    @TempDir
    Path tmp;

    private static List<Path> files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }

    @Test
    void writesEachRecipientsCopyIntoNewWithTraceHeadersFirst() throws Exception {
        Path root = tmp.resolve("maildir");
        String message = TestSetup.simpleMessage("local");
        try (var agent = new RoutingDeliveryAgent(config(List.of(), root), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, message), "sender@origin.test",
                    "Alice@Example.COM", "bob@example.com"));

            assertThat(outcome.results()).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DELIVERED);
                assertThat(r.relay()).isEqualTo("maildir");
                assertThat(r.reply()).startsWith("2.0.0 delivered to maildir ");
            });
            Path alice = root.resolve("alice@example.com");
            assertThat(files(alice.resolve("tmp"))).isEmpty();
            assertThat(files(alice.resolve("cur"))).isEmpty();
            List<Path> fresh = files(alice.resolve("new"));
            assertThat(fresh).hasSize(1);
            assertThat(Files.readString(fresh.getFirst(), StandardCharsets.UTF_8)).isEqualTo(
                    "Return-Path: <sender@origin.test>\r\nDelivered-To: Alice@Example.COM\r\n" + message);
            assertThat(files(root.resolve("bob@example.com").resolve("new"))).hasSize(1);
        }
    }

    @Test
    void keepsAddressesThatTryPathTraversalInsideTheRoot() throws Exception {
        Path root = tmp.resolve("maildir");
        Files.createDirectories(root);
        try (var agent = new RoutingDeliveryAgent(config(List.of(), root), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("evil")),
                    "sender@origin.test", "../../escape@example.com", "..@..", "\"a/b\"@x.test", ".hidden@x.test"));

            assertThat(outcome.results()).allSatisfy(r -> assertThat(r.status()).isEqualTo(RecipientResult.Status.DELIVERED));
            try (Stream<Path> all = Files.walk(tmp)) {
                assertThat(all.filter(Files::isRegularFile).filter(p -> !p.startsWith(root))
                        .filter(p -> !p.getFileName().toString().startsWith("spool"))).isEmpty();
            }
            try (Stream<Path> names = Files.list(root)) {
                assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                        "%2E.%2F..%2Fescape@example.com", "%2E.@..", "%22a%2Fb%22@x.test", "%2Ehidden@x.test");
            }
        }
    }

    @Test
    void defersWithA430WhenTheMaildirCannotBeWritten() throws Exception {
        Path root = tmp.resolve("not-a-directory");
        Files.writeString(root, "a file where the Maildir root should be");
        try (var agent = new RoutingDeliveryAgent(config(List.of(), root), new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = SmtpRelayTest.deliver(agent, request(spool(tmp, TestSetup.simpleMessage("full")),
                    "sender@origin.test", "a@example.com"));

            assertThat(outcome.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(RecipientResult.Status.DEFERRED);
                assertThat(r.relay()).isEqualTo("maildir");
                assertThat(r.reply()).startsWith("4.3.0 cannot write to maildir a@example.com");
            });
        }
    }
}
