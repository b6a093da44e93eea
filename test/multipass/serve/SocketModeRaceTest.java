// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.platform.UserDatabase;
import multipass.testing.QuickIdentities;
import multipass.tls.Identity;
import multipass.trust.AdmissionMethod;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket's mode follows the trust store even when a removal and an admission race (issue 8,
 * SPEC 5.4): the removal of the last entry decides "restrict", an admission lands in the store
 * before that decision is applied, and the socket must still end up open, because someone is
 * trusted. The interleaving is forced with an endpoint that holds the "restrict" call until
 * the admitted certificate is in the store.
 */
class SocketModeRaceTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(30)
    void anAdmissionDuringTheRemovalOfTheLastEntryLeavesTheSocketOpen() throws Exception {
        TrustStore store = TrustStore.open(dir);
        Identity old = QuickIdentities.client("old");
        Identity newcomer = QuickIdentities.client("newcomer");
        byte[] newcomerDer = newcomer.certificate().getEncoded();
        HeldEndpoint endpoint = new HeldEndpoint(() -> store.find(newcomerDer).isPresent());
        Authorizer authorizer = new Authorizer(store, new AdminPolicy(UserDatabase.system(), null, 0), endpoint, Clock.systemUTC());
        authorizer.admit(peer(old), AdmissionMethod.PASSPHRASE, Integer.MAX_VALUE);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread remover = new Thread(() -> {
            try {
                store.remove(List.of(TrustEntry.fingerprint(old.certificate().getEncoded())));
                authorizer.storeChanged();
            } catch (IOException | CertificateEncodingException e) {
                failure.set(e);
            }
        }, "remover");
        remover.start();
        assertTrue(endpoint.restricting.await(10, TimeUnit.SECONDS), "the removal decided to restrict the socket");
        authorizer.admit(peer(newcomer), AdmissionMethod.PASSPHRASE, Integer.MAX_VALUE);
        remover.join(10_000);
        assertNull(failure.get());
        assertEquals(1, store.entries().size(), "the newcomer is trusted");
        assertEquals(Boolean.FALSE, endpoint.last(), "the last mode applied is open (calls: " + endpoint.calls + ")");
    }

    private static Peer peer(Identity identity) throws CertificateEncodingException {
        return new Peer(identity.certificate().getEncoded(), new Peer.Credentials("root", 0, Peer.Source.UNIX_SOCKET));
    }

    /** Records the modes applied; holds a "restrict" until {@code release} holds (polled), to force the race. */
    private static final class HeldEndpoint implements Endpoint {
        final CountDownLatch restricting = new CountDownLatch(1);
        final List<Boolean> calls = new ArrayList<>();
        private final BooleanSupplier release;

        HeldEndpoint(BooleanSupplier release) {
            this.release = release;
        }

        @Override
        public void trustChanged(boolean storeEmpty) throws IOException {
            if (storeEmpty) {
                restricting.countDown();
                Instant end = Instant.now().plus(Duration.ofSeconds(10));
                while (!release.getAsBoolean() && Instant.now().isBefore(end)) {
                    Thread.onSpinWait();
                }
            }
            synchronized (calls) {
                calls.add(storeEmpty);
            }
        }

        Boolean last() {
            synchronized (calls) {
                return calls.isEmpty() ? null : calls.get(calls.size() - 1);
            }
        }

        @Override
        public SocketChannel accept() {
            throw new UnsupportedOperationException("not a listening endpoint");
        }

        @Override
        public Peer.Credentials credentials(SocketChannel channel) {
            return null;
        }

        @Override
        public boolean firstClientAcceptance() {
            return false;
        }

        @Override
        public String address() {
            return "test:";
        }

        @Override
        public void close() {
            // nothing to close
        }
    }
}
