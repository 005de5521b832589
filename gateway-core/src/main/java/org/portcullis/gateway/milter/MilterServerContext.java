package org.portcullis.gateway.milter;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import org.portcullis.gateway.chain.Gate;
import org.portcullis.gateway.config.MilterServerConfig;
import org.portcullis.gateway.envelope.QueueIdGenerator;
import org.portcullis.gateway.relay.RelayControl;

/**
 * What every connection of the milter server shares.
 *
 * @param config   address, limits and timeouts
 * @param gate     the filter chains and policy now in force; each MTA session keeps the ones it started with
 * @param relay    says which clients are the organisation's own (trusted networks, authenticated users):
 *                 they take the outbound chain, as with the SMTP listener
 * @param queueIds for a transaction whose MTA gave no queue id ({@code i}) yet
 * @param tempDir  where messages are rebuilt while the chain looks at them
 */
public record MilterServerContext(MilterServerConfig config, Supplier<Gate> gate, RelayControl relay,
                                  QueueIdGenerator queueIds, Path tempDir) {

    public MilterServerContext {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(queueIds, "queueIds");
        Objects.requireNonNull(tempDir, "tempDir");
    }
}
