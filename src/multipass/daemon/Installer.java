// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.platform.CurrentUser;
import multipass.platform.Platform;
import multipass.platform.UserDatabase;
import multipass.tls.ClientIdentity;
import multipass.tls.ClientIdentityTool;
import multipass.tls.IdentityException;
import multipass.trust.AdmissionMethod;
import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;
import multipass.util.FileLockHandle;
import multipass.util.Pem;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code daemon --install [--user NAME]}: what a package's post-install runs (Multipass's
 * {@code multipassd /install}). When the trust store is empty, it enrols the person who
 * installed: user NAME (default {@code $SUDO_USER}, else the invoking user). Their identity is
 * loaded or created <em>by a process running as them</em> ({@link ClientIdentityTool} under
 * {@code runuser}), in their own identity directory, so the files are theirs and root never
 * writes into their home. Multipass's Windows installer ran this step as the system account
 * and enrolled the wrong identity, locking users out; this is the fix.
 */
final class Installer {
    private static final System.Logger LOG = System.getLogger(Installer.class.getName());
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    private final Platform platform;
    private final Map<String, String> env;
    private final PrintStream out;
    private final Clock clock;

    Installer(Platform platform, Map<String, String> env, PrintStream out, Clock clock) {
        this.platform = platform;
        this.env = env;
        this.out = out;
        this.clock = clock;
    }

    /** Enrols {@code named} (or the default user) into the store in {@code dataDir}. */
    void install(Path dataDir, String named) throws InstallException {
        String name = named != null ? named : env.getOrDefault("SUDO_USER", "").isEmpty() ? CurrentUser.get().name() : env.get("SUDO_USER");
        try {
            Optional<UserDatabase.User> user = platform.os() == Platform.Os.WINDOWS ? Optional.empty() : UserDatabase.system().user(name);
            if (platform.os() != Platform.Os.WINDOWS && user.isEmpty()) {
                throw new InstallException("cannot enrol user '" + name + "': no such user; name an existing one with --user");
            }
            DataDir.prepare(dataDir);
            // The store must not change under a running daemon, which would not see the entry.
            FileLockHandle lock = DataDir.lock(dataDir).orElseThrow(() -> new InstallException("cannot enrol user '" + name
                    + "': a daemon is running on " + dataDir + "; stop it, enrol, then start it again"));
            try {
                enrol(dataDir, name, user);
            } finally {
                lock.close();
            }
        } catch (IOException | TrustStore.TrustStoreException | DataDir.UnsafeDataDirException | IdentityException e) {
            throw new InstallException("cannot enrol user '" + name + "': " + e.getMessage());
        }
    }

    private void enrol(Path dataDir, String name, Optional<UserDatabase.User> user)
            throws IOException, TrustStore.TrustStoreException, IdentityException, InstallException {
        TrustStore store = TrustStore.open(dataDir);
        if (!store.isEmpty()) {
            out.println("The trust store " + store.file() + " already has " + store.entries().size()
                    + " trusted client certificate(s); nothing changed.");
            return;
        }
        byte[] certificate = certificateOf(name, user);
        long uid = user.map(UserDatabase.User::uid).orElse(-1L);
        TrustEntry entry = new TrustEntry(certificate, name, uid, AdmissionMethod.INSTALLER, clock.instant().truncatedTo(ChronoUnit.SECONDS));
        store.add(entry);
        LOG.log(System.Logger.Level.INFO, "trusted client certificate {0} of user {1} (uid {2}), method installer", entry.fingerprint(), name, uid);
        out.println("Enrolled user '" + name + "' (certificate " + entry.fingerprint() + ").");
    }

    /** The user's certificate DER, made in their own identity dir, as them. */
    private byte[] certificateOf(String name, Optional<UserDatabase.User> user) throws IdentityException, IOException, InstallException {
        if (user.isEmpty() || user.get().uid() == CurrentUser.get().uid()) {
            try {
                return ClientIdentity.loadOrCreate(platform.clientIdentityDir()).certificate().getEncoded();
            } catch (CertificateEncodingException e) {
                throw new IdentityException("cannot encode the certificate: " + e.getMessage(), e);
            }
        }
        if (!CurrentUser.get().isRoot()) {
            throw new InstallException("cannot enrol user '" + name + "': only root can create another user's identity; run with sudo");
        }
        Path dir = platform.clientIdentityDirForHome(user.get().home());
        String pem = runAs(user.get(), List.of(javaExecutable(), "-cp", classPath(), ClientIdentityTool.class.getName(), dir.toString()));
        try {
            return Pem.decode(pem).get(0).der();
        } catch (Pem.PemException | IndexOutOfBoundsException e) {
            throw new IdentityException("the identity tool printed no certificate", e);
        }
    }

    private static String runAs(UserDatabase.User user, List<String> command) throws IOException, InstallException {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
            full.addAll(List.of("runuser", "-u", user.name(), "--"));
        } else {
            full.addAll(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        Map<String, String> childEnv = builder.environment();
        childEnv.clear();
        childEnv.put("HOME", user.home().toString());
        childEnv.put("USER", user.name());
        childEnv.put("LOGNAME", user.name());
        childEnv.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        builder.directory(Path.of("/").toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new InstallException("creating the identity of '" + user.name() + "' did not finish in " + CHILD_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallException("interrupted while creating the identity of '" + user.name() + "'");
        }
        if (process.exitValue() != 0) {
            throw new InstallException("creating the identity of '" + user.name() + "' as that user failed (exit " + process.exitValue() + "): "
                    + stderr + " (the user needs read access to " + classPath() + ")");
        }
        return stdout;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classPath() {
        try {
            return Path.of(Installer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the daemon's own code location is not a path", e);
        }
    }

    /** The enrolment failed; nothing was changed. */
    static final class InstallException extends Exception {
        private static final long serialVersionUID = 1L;

        InstallException(String message) {
            super(message);
        }
    }
}
