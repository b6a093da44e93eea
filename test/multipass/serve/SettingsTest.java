// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.settings.SettingKeys;
import multipass.util.AtomicFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Settings}: {@code local.passphrase} in the {@code [General]} section of
 * {@code multipassd.conf}, set, replaced and cleared without disturbing other keys, comments
 * or sections, persisted atomically with mode 0600.
 */
class SettingsTest {
    private static final String PASSPHRASE = SettingKeys.PASSPHRASE.key();
    private static final String HASH = "pbkdf2-sha256$600000$c2FsdA$aGFzaA";

    @TempDir
    Path dataDir;

    private Path file() {
        return dataDir.resolve(Settings.FILE);
    }

    private void write(String... lines) throws IOException {
        Files.write(file(), List.of(lines), StandardCharsets.UTF_8);
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(file(), StandardCharsets.UTF_8);
    }

    @Test
    void noFileMeansNoPassphraseAndNothingWritten() throws IOException {
        assertEquals("", Settings.open(dataDir).get(PASSPHRASE));
        assertFalse(Files.exists(file()));
    }

    @Test
    void settingCreatesTheGeneralSection() throws IOException {
        Settings settings = Settings.open(dataDir);
        settings.set(PASSPHRASE, HASH);
        assertEquals(HASH, settings.get(PASSPHRASE));
        assertEquals(List.of("[General]", "local.passphrase=" + HASH), lines());
        assertEquals(HASH, Settings.open(dataDir).get(PASSPHRASE));
    }

    @Test
    void theFileIsOwnerOnlyAndNoTemporaryFileRemains() throws IOException {
        assumeTrue(AtomicFile.posix());
        Settings.open(dataDir).set(PASSPHRASE, HASH);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        try (Stream<Path> files = Files.list(dataDir)) {
            assertEquals(List.of(file()), files.toList());
        }
    }

    @Test
    void replacingKeepsOtherLinesAndSections() throws IOException {
        write("; written by Multipass",
                "[General]",
                "client.primary-name=primary",
                "local.passphrase=old",
                "",
                "[local]",
                "driver=qemu",
                "local.passphrase=not-in-general");
        Settings settings = Settings.open(dataDir);
        assertEquals("old", settings.get(PASSPHRASE));
        settings.set(PASSPHRASE, HASH);
        assertEquals(List.of("; written by Multipass",
                "[General]",
                "client.primary-name=primary",
                "local.passphrase=" + HASH,
                "",
                "[local]",
                "driver=qemu",
                "local.passphrase=not-in-general"), lines());
        assertEquals(HASH, Settings.open(dataDir).get(PASSPHRASE));
    }

    @Test
    void aKeyInAnotherSectionIsNotThePassphrase() throws IOException {
        write("[local]", "local.passphrase=elsewhere");
        Settings settings = Settings.open(dataDir);
        assertEquals("", settings.get(PASSPHRASE));
        settings.set(PASSPHRASE, HASH);
        assertEquals(List.of("[local]", "local.passphrase=elsewhere", "[General]", "local.passphrase=" + HASH), lines());
        assertEquals(HASH, Settings.open(dataDir).get(PASSPHRASE));
    }

    @Test
    void aGeneralSectionWithoutTheKeyGetsItBeforeTheNextSection() throws IOException {
        write("[General]", "other=1", "[local]", "driver=qemu");
        Settings.open(dataDir).set(PASSPHRASE, HASH);
        assertEquals(List.of("[General]", "other=1", "local.passphrase=" + HASH, "[local]", "driver=qemu"), lines());
    }

    @Test
    void aGeneralSectionLastInTheFileGetsTheKeyAtTheEnd() throws IOException {
        write("[local]", "driver=qemu", "[General]", "other=1");
        Settings.open(dataDir).set(PASSPHRASE, HASH);
        assertEquals(List.of("[local]", "driver=qemu", "[General]", "other=1", "local.passphrase=" + HASH), lines());
    }

    @Test
    void clearingWritesAnEmptyValue() throws IOException {
        Settings settings = Settings.open(dataDir);
        settings.set(PASSPHRASE, HASH);
        settings.set(PASSPHRASE, "");
        assertEquals("", settings.get(PASSPHRASE));
        assertEquals(List.of("[General]", "local.passphrase="), lines());
        assertEquals("", Settings.open(dataDir).get(PASSPHRASE));
    }

    @Test
    void aDuplicatedKeyIsCollapsedToOne() throws IOException {
        write("[General]", "local.passphrase=first", "local.passphrase=second");
        Settings settings = Settings.open(dataDir);
        assertEquals("first", settings.get(PASSPHRASE));
        settings.set(PASSPHRASE, HASH);
        assertEquals(List.of("[General]", "local.passphrase=" + HASH), lines());
    }

    @Test
    void surroundingWhitespaceIsTolerated() throws IOException {
        write("  [General]  ", "   local.passphrase=" + HASH + "   ");
        assertEquals(HASH, Settings.open(dataDir).get(PASSPHRASE));
    }

    @Test
    void aKeyWithALongerNameIsNotThePassphrase() throws IOException {
        write("[General]", "local.passphrase.old=stale");
        assertEquals("", Settings.open(dataDir).get(PASSPHRASE));
    }

    @Test
    void aFileWithoutFinalNewlineAndWithUnicodeCommentsSurvives() throws IOException {
        Files.writeString(file(), "# réglages ✓\n[General]\nlocal.passphrase=old", StandardCharsets.UTF_8);
        Settings.open(dataDir).set(PASSPHRASE, HASH);
        assertEquals(List.of("# réglages ✓", "[General]", "local.passphrase=" + HASH), lines());
    }

    @Test
    void sectionReadsTheKeysOfOneSectionOnly() throws IOException {
        write("[General]", "local.passphrase=" + HASH,
                "[Limits]", "# a comment=no", "; another=no", " max-attempts = 5 ", "delay=", "not a pair",
                "[limits]", "other-case=no");
        Settings settings = Settings.open(dataDir);
        assertEquals(Map.of("max-attempts", "5", "delay", ""), settings.section("Limits"));
        assertEquals(List.of("max-attempts", "delay"), List.copyOf(settings.section("Limits").keySet()));
        assertEquals(Map.of("local.passphrase", HASH), settings.section("General"));
        assertEquals(Map.of(), settings.section("Missing"));
    }

    @Test
    void sectionSeesAPassphraseJustSet() throws IOException {
        Settings settings = Settings.open(dataDir);
        settings.set(PASSPHRASE, HASH);
        assertEquals(HASH, settings.section("General").get(PASSPHRASE));
    }
}
