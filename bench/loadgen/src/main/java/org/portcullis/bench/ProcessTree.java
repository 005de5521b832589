package org.portcullis.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The processes of one contender, read from /proc: the given root processes and all their
 * descendants at the moment of reading (Postfix forks and retires smtpd, cleanup and smtp
 * processes all the time).
 *
 * <p>CPU: for every live process of the tree its own utime+stime plus cutime+cstime, the time
 * of the children it has already reaped. A process that ended is then counted exactly once: in
 * its reaper's cutime/cstime. The difference of two readings is the CPU the contender used in
 * between. Memory: the sum of the resident sets of the live processes.
 */
final class ProcessTree {

    /**
     * One reading: CPU seconds so far, resident bytes now, the sum of the VmHWM of the live
     * processes, and their proportional set size (shared pages divided among the processes
     * that share them: the fair sum for a many-process server such as Postfix).
     */
    record Reading(double cpuSeconds, long rssBytes, long hwmBytes, long pssBytes, int processes) {
    }

    private record Stat(int pid, int ppid, long ticks, long rssPages) {
    }

    private static final Path PROC = Path.of("/proc");
    private static final long PAGE = 4096;

    private final String name;
    private final List<Integer> roots;
    private final double ticksPerSecond;

    ProcessTree(String name, List<Integer> roots, double ticksPerSecond) {
        this.name = name;
        this.roots = List.copyOf(roots);
        this.ticksPerSecond = ticksPerSecond;
    }

    /** {@code name=pid,pid,...} */
    static ProcessTree parse(String spec, double ticksPerSecond) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--watch takes name=pid[,pid...], got " + spec);
        }
        List<Integer> pids = new ArrayList<>();
        for (String p : spec.substring(eq + 1).split(",")) {
            if (!p.isBlank()) {
                pids.add(Integer.parseInt(p.trim()));
            }
        }
        return new ProcessTree(spec.substring(0, eq), pids, ticksPerSecond);
    }

    String name() {
        return name;
    }

    Reading read(boolean withHwm) {
        return read(withHwm, false);
    }

    Reading read(boolean withHwm, boolean withPss) {
        Map<Integer, Stat> all = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                readStat(dir).ifPresent(s -> all.put(s.pid(), s));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc: " + e.getMessage(), e);
        }
        Map<Integer, List<Integer>> children = new HashMap<>();
        for (Stat s : all.values()) {
            children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s.pid());
        }
        Set<Integer> tree = new HashSet<>();
        List<Integer> todo = new ArrayList<>(roots);
        while (!todo.isEmpty()) {
            int pid = todo.remove(todo.size() - 1);
            if (all.containsKey(pid) && tree.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        long ticks = 0;
        long rss = 0;
        long hwm = 0;
        long pss = 0;
        for (int pid : tree) {
            Stat s = all.get(pid);
            ticks += s.ticks();
            rss += s.rssPages() * PAGE;
            if (withHwm) {
                hwm += statusKb(pid, "status", "VmHWM:");
            }
            if (withPss) {
                pss += statusKb(pid, "smaps_rollup", "Pss:");
            }
        }
        return new Reading(ticks / ticksPerSecond, rss, hwm, pss, tree.size());
    }

    /** Whether any root process is still alive. */
    boolean alive() {
        return roots.stream().anyMatch(pid -> Files.exists(PROC.resolve(Integer.toString(pid))));
    }

    private static boolean isPid(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static Optional<Stat> readStat(Path dir) {
        String text;
        try {
            text = Files.readString(dir.resolve("stat"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone meanwhile
        }
        int close = text.lastIndexOf(')');
        String[] f = text.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state) of proc(5): ppid 4, utime 14, stime 15, cutime 16, cstime 17, rss 24.
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return Optional.of(new Stat(Integer.parseInt(dir.getFileName().toString()), Integer.parseInt(f[1]), ticks,
                Long.parseLong(f[21])));
    }

    /** A "Name:   123 kB" line of a /proc file, in bytes; 0 when the process is gone. */
    private static long statusKb(int pid, String file, String key) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/" + file))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended meanwhile
        }
        return 0;
    }
}
