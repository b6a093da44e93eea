// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.trust.TrustEntry;
import multipass.trust.TrustStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the system tests look at on disk, told the way {@code ls -l} tells it (so a failed
 * assertion reads like a shell session), and the certificates users and the daemon keep.
 * Never follows a symbolic link.
 */
final class FileFacts {
    static final String CERT_BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String CERT_END = "-----END CERTIFICATE-----";

    private FileFacts() {
    }

    /** Type and mode, owner:group, e.g. {@code srw-rw---- root:sudo}. */
    static String describe(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return describeOwner(path) + ":" + attributes.group().getName();
    }

    /** Type and mode, owner, e.g. {@code -rw------- alice}. */
    static String describeOwner(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return fileType(mode) + PosixFilePermissions.toString(attributes.permissions()) + " " + attributes.owner().getName();
    }

    private static char fileType(int mode) {
        return switch (mode & 0170000) {
            case 0140000 -> 's';
            case 0120000 -> 'l';
            case 0100000 -> '-';
            case 0040000 -> 'd';
            default -> '?';
        };
    }

    /** True when this process runs as root. */
    static boolean isRoot() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.exists(self)) {
            return ((Integer) Files.getAttribute(self, "unix:uid")) == 0;
        }
        return "root".equals(System.getProperty("user.name"));
    }

    /** True when users other than the owner can run {@code file}: it and every directory above it are o+x. */
    static boolean executableByOthers(Path file) throws IOException {
        for (Path path = file; path != null; path = path.getParent()) {
            if (!Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    /** Deletes {@code root} and everything under it (symbolic links themselves, not what they point to). */
    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * The certificates the daemon trusts in {@code dataDir}, read as the daemon reads them: the
     * main PEM file and, on top, the journal of changes not yet compacted into it (a running
     * daemon appends there; reading writes nothing).
     */
    static List<byte[]> trustedCertificates(Path dataDir) throws IOException {
        return trustEntries(dataDir).stream().map(TrustEntry::der).toList();
    }

    /**
     * The trust store's entries in {@code dataDir} (main file plus journal), with their metadata.
     * The store is opened to look at and never closed: closing compacts it, which would delete
     * the journal under a running daemon.
     */
    static List<TrustEntry> trustEntries(Path dataDir) throws IOException {
        try {
            return TrustStore.open(dataDir).entries();
        } catch (TrustStore.TrustStoreException e) {
            throw new IOException("the trust store in " + dataDir + " does not load: " + e.getMessage(), e);
        }
    }

    /** The bytes of the trust store's main file and of its journal (empty when absent), to tell whether anything changed. */
    static List<String> trustStoreFiles(Path dataDir) throws IOException {
        List<String> contents = new ArrayList<>();
        for (Path relative : List.of(TrustStore.RELATIVE_PATH, TrustStore.JOURNAL_RELATIVE_PATH)) {
            Path file = dataDir.resolve(relative);
            contents.add(Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? Base64.getEncoder().encodeToString(Files.readAllBytes(file)) : "");
        }
        return contents;
    }

    /** The DER bytes of every PEM certificate in {@code file}, in order; none when it does not exist. */
    static List<byte[]> certificates(Path file) throws IOException {
        List<byte[]> ders = new ArrayList<>();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return ders;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        for (int begin = text.indexOf(CERT_BEGIN); begin >= 0; begin = text.indexOf(CERT_BEGIN, begin + 1)) {
            int end = text.indexOf(CERT_END, begin);
            if (end < 0) {
                throw new IOException("unterminated PEM certificate in " + file);
            }
            ders.add(Base64.getMimeDecoder().decode(text.substring(begin + CERT_BEGIN.length(), end)));
        }
        return ders;
    }

    /** The lower-case hex SHA-256 of the single certificate in {@code pemFile}, as {@code trust list} shows it. */
    static String fingerprint(Path pemFile) throws IOException {
        List<byte[]> ders = certificates(pemFile);
        if (ders.size() != 1) {
            throw new IOException("expected one certificate in " + pemFile + ", found " + ders.size());
        }
        return fingerprint(ders.get(0));
    }

    /** The lower-case hex SHA-256 of {@code der}. */
    static String fingerprint(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a mandatory JDK algorithm", e);
        }
    }
}
