package org.portcullis.gateway.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The two fsyncs the spool relies on. A seam so that tests can make them fail the way a dying
 * disk does; the gateway always uses {@link #SYSTEM}.
 */
interface Durability {

    /** Forces a file's data and the metadata needed to read it back (its size). */
    void syncFile(FileChannel channel) throws IOException;

    /** Forces a directory, making the names created or renamed into it durable. */
    void syncDirectory(Path directory) throws IOException;

    Durability SYSTEM = new Durability() {
        @Override
        public void syncFile(FileChannel channel) throws IOException {
            channel.force(true);
        }

        @Override
        public void syncDirectory(Path directory) throws IOException {
            // Opening a directory for reading and forcing it is fsync(2) on its descriptor.
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
    };
}
