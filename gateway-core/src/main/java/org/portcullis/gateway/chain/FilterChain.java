package org.portcullis.gateway.chain;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.portcullis.filter.Direction;
import org.portcullis.filter.FilterConfig;
import org.portcullis.filter.FilterConfigException;
import org.portcullis.filter.FilterFactory;
import org.portcullis.filter.MailFilter;
import org.portcullis.gateway.config.ChainConfig;
import org.portcullis.gateway.config.ConfigException;
import org.portcullis.gateway.config.FilterSpec;

/**
 * The inbound and outbound chains of filters, built from the configuration at start (and again
 * on reload). Building creates every filter, so a setting a plug-in does not like stops the
 * gateway with its file and line. Sessions take their own instances with {@link #openSession}.
 */
public final class FilterChain implements AutoCloseable {

    private final List<ChainedFilter> inbound;
    private final List<ChainedFilter> outbound;
    private final ChainMetrics metrics;
    private final ExecutorService threads;
    /** Sessions using this chain; a retired chain closes when the last of them ends. */
    private final java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean retired;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private FilterChain(List<ChainedFilter> inbound, List<ChainedFilter> outbound, MeterRegistry registry) {
        this.inbound = List.copyOf(inbound);
        this.outbound = List.copyOf(outbound);
        this.metrics = new ChainMetrics(registry);
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("filter-", 0).factory());
    }

    public static FilterChain build(ChainConfig config, FilterCatalog catalog, MeterRegistry registry)
            throws ConfigException {
        List<ChainedFilter> inbound = new ArrayList<>();
        List<ChainedFilter> outbound = new ArrayList<>();
        try {
            for (FilterSpec spec : config.inbound()) {
                inbound.add(create(spec, catalog));
            }
            for (FilterSpec spec : config.outbound()) {
                outbound.add(create(spec, catalog));
            }
        } catch (ConfigException | RuntimeException e) {
            inbound.forEach(f -> f.filter().close());
            outbound.forEach(f -> f.filter().close());
            throw e;
        }
        return new FilterChain(inbound, outbound, registry);
    }

    /** A chain without filters: every stage proceeds at once. */
    public static FilterChain empty(MeterRegistry registry) {
        return new FilterChain(List.of(), List.of(), registry);
    }

    private static ChainedFilter create(FilterSpec spec, FilterCatalog catalog) throws ConfigException {
        FilterFactory factory = catalog.get(spec.type());
        if (factory == null) {
            throw new ConfigException(spec.file(), spec.line(), "'" + spec.where() + ".type' names no installed"
                    + " filter: '" + spec.type() + "'; installed: " + String.join(", ", catalog.types()));
        }
        FilterConfig config = FilterConfig.of(spec.name(), spec.settings());
        MailFilter filter;
        try {
            filter = factory.create(config);
        } catch (FilterConfigException e) {
            throw new ConfigException(spec.file(), spec.lineOf(e.key()), spec.where() + " (" + spec.type() + "): "
                    + e.getMessage());
        } catch (RuntimeException e) {
            throw new ConfigException(spec.file(), spec.line(), spec.where() + " (" + spec.type()
                    + "): the filter could not be made: " + e);
        }
        Set<String> unread = config.unreadKeys();
        if (!unread.isEmpty()) {
            filter.close();
            String key = unread.iterator().next();
            throw new ConfigException(spec.file(), spec.lineOf(key), "unknown setting '" + spec.where() + "." + key
                    + "' for a " + spec.type() + " filter");
        }
        return new ChainedFilter(spec.name(), filter, spec.timeout(), spec.failOpen());
    }

    List<ChainedFilter> filters(Direction direction) {
        return direction == Direction.INBOUND ? inbound : outbound;
    }

    public boolean isEmpty() {
        return inbound.isEmpty() && outbound.isEmpty();
    }

    public List<String> names(Direction direction) {
        return filters(direction).stream().map(ChainedFilter::name).toList();
    }

    /** The filters of one SMTP session; close it when the session ends. */
    public SessionFilters openSession() {
        sessions.incrementAndGet();
        return new SessionFilters(this, threads, metrics);
    }

    void sessionClosed() {
        if (sessions.decrementAndGet() == 0 && retired) {
            close();
        }
    }

    /**
     * A reload replaced this chain: it closes once the sessions still using it have ended, so
     * no session loses its filters half-way.
     */
    public void retire() {
        retired = true;
        if (sessions.get() == 0) {
            close();
        }
    }

    /** Closes the shared filters. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        inbound.forEach(f -> f.filter().close());
        outbound.forEach(f -> f.filter().close());
        threads.shutdown();
    }
}
