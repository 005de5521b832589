package org.portcullis.gateway.chain;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.portcullis.filter.FilterFactory;

/**
 * The kinds of filter this gateway can run: every {@link FilterFactory} on the class path (the
 * built-in ones) and in the jars of the {@code plugins} directory, found with ServiceLoader.
 */
public final class FilterCatalog {

    private final Map<String, FilterFactory> byType;

    private FilterCatalog(Map<String, FilterFactory> byType) {
        this.byType = byType;
    }

    /**
     * @param plugins a directory of plug-in jars, or null
     * @throws IOException when the directory cannot be read
     * @throws IllegalStateException when two factories claim the same type, or a plug-in is broken
     */
    public static FilterCatalog load(Path plugins) throws IOException {
        ClassLoader loader = FilterCatalog.class.getClassLoader();
        if (plugins != null) {
            loader = new URLClassLoader("plugins", jars(plugins), loader);
        }
        Map<String, FilterFactory> byType = new TreeMap<>();
        try {
            for (FilterFactory factory : ServiceLoader.load(FilterFactory.class, loader)) {
                FilterFactory earlier = byType.putIfAbsent(factory.type(), factory);
                if (earlier != null && earlier.getClass() != factory.getClass()) {
                    throw new IllegalStateException("two filter kinds are called '" + factory.type() + "': "
                            + earlier.getClass().getName() + " and " + factory.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a filter plug-in cannot be loaded: " + e.getMessage(), e);
        }
        return new FilterCatalog(byType);
    }

    public FilterFactory get(String type) {
        return byType.get(type);
    }

    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    private static URL[] jars(Path dir) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                try {
                    urls.add(jar.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IOException("cannot use plug-in " + jar + ": " + e.getMessage(), e);
                }
            }
        }
        return urls.toArray(URL[]::new);
    }
}
