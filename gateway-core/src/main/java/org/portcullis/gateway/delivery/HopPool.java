package org.portcullis.gateway.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.portcullis.gateway.config.RouteConfig;

/**
 * The sessions to one next-hop address: at most {@code delivery.max_connections_per_hop} at once,
 * counting idle ones, and idle ones kept for {@code delivery.connection_reuse_time}. A delivery
 * that finds every slot taken waits for one; it never fails for it. No I/O is done while the
 * lock is held, so the event loop may take it (to expire idle sessions) without waiting long.
 */
final class HopPool {

    private final int max;
    private final Duration idleTime;
    private final Runnable onEmpty;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final Deque<HopSession> idle = new ArrayDeque<>();
    private int open;
    private int waiting;
    private boolean retired;

    /**
     * @param onEmpty called (under no lock of ours) once the pool has no session and no waiter
     *                left and has retired itself, so its owner can forget it
     */
    HopPool(int max, Duration idleTime, Runnable onEmpty) {
        this.max = max;
        this.idleTime = idleTime;
        this.onEmpty = onEmpty;
    }

    /** A right to use one session: an idle one to reuse, or a free slot to open a new one in. */
    sealed interface Lease {
        /** Whether the caller had to wait for a slot. */
        boolean waited();

        record Reuse(HopSession session, boolean waited) implements Lease {
        }

        record Open(boolean waited) implements Lease {
        }

        /** The pool retired (it had emptied) or shut down; ask the owner again. */
        record Gone(boolean waited) implements Lease {
        }
    }

    Lease acquire(RouteConfig.Protocol protocol, RouteConfig.TlsPolicy tls) throws InterruptedException {
        List<HopSession> toClose = new ArrayList<>();
        lock.lock();
        try {
            boolean waited = false;
            while (true) {
                if (retired) {
                    return new Lease.Gone(waited);
                }
                for (Iterator<HopSession> it = idle.iterator(); it.hasNext(); ) {
                    HopSession s = it.next();
                    if (!s.connection().usable()) {
                        it.remove();
                        open--;
                        toClose.add(s);
                    }
                }
                for (Iterator<HopSession> it = idle.iterator(); it.hasNext(); ) {
                    HopSession s = it.next();
                    if (s.suits(protocol, tls)) {
                        it.remove();
                        return new Lease.Reuse(s, waited);
                    }
                }
                if (open < max) {
                    open++;
                    return new Lease.Open(waited);
                }
                if (!idle.isEmpty()) {
                    // An idle session that does not suit (other TLS policy) gives up its slot.
                    toClose.add(idle.removeLast());
                    return new Lease.Open(waited);
                }
                waited = true;
                waiting++;
                try {
                    freed.await();
                } finally {
                    waiting--;
                }
            }
        } finally {
            lock.unlock();
            toClose.forEach(s -> s.connection().quit());
        }
    }

    /**
     * Gives a lease's session back: kept idle when {@code reusable}, else closed, its slot freed.
     *
     * @param session the session used, or null when none could be opened
     */
    void release(HopSession session, boolean reusable) {
        boolean keep = session != null && reusable && session.connection().usable();
        boolean empty;
        long stamp = System.nanoTime();
        lock.lock();
        try {
            if (keep && !retired) {
                session.markIdle(stamp);
                idle.addFirst(session);
            } else {
                keep = false;
                open--;
            }
            freed.signal();
            empty = retireIfEmpty();
        } finally {
            lock.unlock();
        }
        if (keep) {
            session.connection().after(idleTime, () -> expire(session, stamp));
        } else if (session != null) {
            session.connection().quit();
        }
        if (empty) {
            onEmpty.run();
        }
    }

    /** Sessions open now, idle ones included. */
    int open() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    /** Says QUIT to every idle session and lets no new one in; waiters are sent away. */
    List<HopSession> shutDown() {
        List<HopSession> closing;
        lock.lock();
        try {
            retired = true;
            closing = new ArrayList<>(idle);
            open -= idle.size();
            idle.clear();
            freed.signalAll();
        } finally {
            lock.unlock();
        }
        closing.forEach(s -> s.connection().quit());
        return closing;
    }

    private void expire(HopSession session, long stamp) {
        boolean expired;
        boolean empty;
        lock.lock();
        try {
            // Still idle since that very release? Else it was reused meanwhile.
            expired = session.idleSince() == stamp && idle.remove(session);
            if (expired) {
                open--;
                freed.signal();
            }
            empty = retireIfEmpty();
        } finally {
            lock.unlock();
        }
        if (expired) {
            session.connection().quit();
        }
        if (empty) {
            onEmpty.run();
        }
    }

    private boolean retireIfEmpty() {
        if (!retired && open == 0 && waiting == 0) {
            retired = true;
            return true;
        }
        return false;
    }
}
