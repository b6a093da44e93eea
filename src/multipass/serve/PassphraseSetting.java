// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.auth.HashGate;
import multipass.auth.PassphraseHash;
import multipass.api.Reply;
import multipass.api.Status;
import multipass.settings.SettingKeys;

import java.io.IOException;

/**
 * The daemon's behaviour for {@code local.passphrase}: stores a PBKDF2 hash (computed through
 * the {@link HashGate}), an empty value clears it, and {@code get} shows only whether one is
 * set, never the hash. The passphrase is wiped after use and never logged. Thread-safe.
 */
public final class PassphraseSetting implements SettingsCommands.Behaviour {
    /** What {@code get local.passphrase} sends when a passphrase is set. */
    static final String SET_MARKER = "true";
    private static final System.Logger LOG = System.getLogger(PassphraseSetting.class.getName());
    private static final String KEY = SettingKeys.PASSPHRASE.key();

    private final Settings settings;
    private final HashGate hashes;

    public PassphraseSetting(Settings settings, HashGate hashes) {
        this.settings = settings;
        this.hashes = hashes;
    }

    /** The stored hash, or empty when no passphrase is set. */
    static String storedHash(Settings settings) {
        return settings.get(KEY);
    }

    /**
     * Whether a passphrase is set, as Multipass's clients read it: a non-empty value (a marker,
     * {@value #SET_MARKER}, never the hash) when set, empty when not. Multipass's own client and
     * ours both print {@code true} or {@code false} from that.
     */
    @Override
    public String shown() {
        return storedHash(settings).isEmpty() ? "" : SET_MARKER;
    }

    @Override
    public Reply store(String value, Peer peer) throws IOException {
        char[] passphrase = value.toCharArray();
        try {
            settings.set(KEY, passphrase.length == 0 ? "" : hashes.run(() -> PassphraseHash.hash(passphrase)));
        } catch (HashGate.BusyException e) {
            return Reply.error(Status.RESOURCE_EXHAUSTED, e.getMessage());
        } finally {
            PassphraseHash.wipe(passphrase);
        }
        LOG.log(System.Logger.Level.INFO, "passphrase {0} by {1}", passphrase.length == 0 ? "cleared" : "changed", peer.auditName());
        return Reply.ok();
    }
}
