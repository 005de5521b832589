package org.portcullis.gateway.delivery;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.portcullis.gateway.config.RouteConfig;

/**
 * Run by {@link LargeMessageTest} in a JVM with a heap much smaller than the message: relays
 * one spooled message to two sinks, one over DATA and one over BDAT, and prints each result
 * and the peak heap use. Exits 0 when both were delivered.
 */
public final class LargeRelayMain {

    private LargeRelayMain() {
    }

    public static void main(String[] args) throws Exception {
        int dataPort = Integer.parseInt(args[0]);
        int bdatPort = Integer.parseInt(args[1]);
        MessageContent content = new MessageContent(Path.of(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
        var config = TestSetup.config(List.of(
                TestSetup.route("data.test", RouteConfig.TlsPolicy.NONE, "smtp://127.0.0.1:" + dataPort),
                TestSetup.route("bdat.test", RouteConfig.TlsPolicy.NONE, "smtp://127.0.0.1:" + bdatPort)), null);
        boolean delivered;
        try (var agent = new RoutingDeliveryAgent(config, new SimpleMeterRegistry())) {
            DeliveryOutcome outcome = agent.deliver(TestSetup.request(content, "sender@origin.test",
                    "a@data.test", "b@bdat.test")).get(120, TimeUnit.SECONDS);
            outcome.results().forEach(r -> System.out.println("result " + r.recipient().address() + " " + r.status()
                    + " " + r.reply()));
            delivered = outcome.results().stream().allMatch(r -> r.status() == RecipientResult.Status.DELIVERED);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("peak_heap " + peak);
        System.exit(delivered ? 0 : 1);
    }
}
