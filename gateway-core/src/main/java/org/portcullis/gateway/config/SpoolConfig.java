package org.portcullis.gateway.config;

import java.nio.file.Path;

/**
 * The queue on disk.
 *
 * @param directory {@code spool.directory}: holds {@code incoming/}, {@code active/},
 *                  {@code deferred/} and {@code hold/}
 */
public record SpoolConfig(Path directory) {
}
