package org.portcullis.gateway.delivery;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.portcullis.gateway.config.DeliveryConfig;

/** One {@link HopPool} per next-hop address, made when first needed and dropped when empty. */
final class ConnectionPools {

    private final DeliveryConfig config;
    private final ConcurrentMap<InetSocketAddress, HopPool> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ConnectionPools(DeliveryConfig config) {
        this.config = config;
    }

    HopPool forHop(HopAddress hop) {
        InetSocketAddress key = hop.address();
        return pools.computeIfAbsent(key, k -> {
            HopPool[] self = new HopPool[1];
            self[0] = new HopPool(config.maxConnectionsPerHop(), config.maxIdleConnectionTime(),
                    () -> pools.remove(k, self[0]));
            return self[0];
        });
    }

    boolean closed() {
        return closed;
    }

    /** Sends every idle session QUIT; the future completes when they are all closed. */
    CompletableFuture<Void> shutDown() {
        closed = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (HopPool pool : pools.values()) {
            for (HopSession session : pool.shutDown()) {
                closing.add(session.connection().quit());
            }
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }
}
