// SPDX-License-Identifier: Apache-2.0
package multipass.tls;

import multipass.testing.QuickIdentities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publishing the daemon's CA beside its socket, and reading it back as a client does. */
class PublishedAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void publishingReplacesTheCaAndRemovesWhatACrashLeftBeside() throws Exception {
        X509Certificate ca = QuickIdentities.client("ca").certificate();
        Path published = PublishedAuthority.forSocket(dir.resolve("multipass_socket"));
        Path leftover = Files.writeString(dir.resolve(".multipass_socket.ca.pem8127364.tmp"), "half a PEM");
        Path unrelated = Files.writeString(dir.resolve(".other.ca.pem42.tmp"), "not ours");

        PublishedAuthority.publish(published, ca);

        assertEquals(ca, PublishedAuthority.read(published, null));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(published)));
        assertFalse(Files.exists(leftover), "the temporary file of an interrupted publication is gone");
        assertTrue(Files.exists(unrelated), "only this address's leftovers are touched");
    }
}
