package org.portcullis.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The filter chains and the policy.
 *
 * @param inbound  {@code filters.inbound}: for mail from strangers, in order
 * @param outbound {@code filters.outbound}: for mail from trusted networks and authenticated users
 * @param policy   {@code policy}: the policy rules file; null for the shipped default policy
 * @param plugins  {@code plugins}: a directory of plug-in jars, or null
 * @param archives {@code archives}: where a policy's {@code copy_to_archive} puts copies, by name
 *                 (each a Maildir)
 */
public record ChainConfig(List<FilterSpec> inbound, List<FilterSpec> outbound, Path policy, Path plugins,
                          java.util.Map<String, Path> archives) {

    public ChainConfig {
        inbound = List.copyOf(inbound);
        outbound = List.copyOf(outbound);
        archives = java.util.Map.copyOf(archives);
    }

    public static ChainConfig none() {
        return new ChainConfig(List.of(), List.of(), null, null, java.util.Map.of());
    }
}
