// SPDX-License-Identifier: Apache-2.0
package multipass.settings;

import multipass.api.Access;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client-side settings store: a key of the client's own (a test entry, as the registry
 * has none yet) is stored in the user's client configuration file, private and replaced
 * atomically, other lines kept; a daemon key is refused.
 */
class ClientSettingsTest {
    private static final Setting CLIENT_KEY = new Setting("client.test-key", Setting.Home.CLIENT, false,
            value -> value.matches("\\d+") ? Optional.empty() : Optional.of("'" + value + "' is not a number"),
            new Setting.Prompt("Value: ", null, "Values do not match"), Access.TRUSTED, "0");

    @TempDir
    Path home;

    private Path file() {
        return home.resolve(".config").resolve("multipass").resolve("multipass.conf");
    }

    @Test
    void anUnsetKeyHasItsDefaultAndNothingIsWritten() throws IOException {
        assertEquals("0", ClientSettings.open(file()).get(CLIENT_KEY));
        assertFalse(Files.exists(file()));
    }

    @Test
    void aValueIsStoredInAPrivateFileUnderPrivateDirectories() throws IOException {
        ClientSettings.open(file()).set(CLIENT_KEY, "30");
        assertEquals("30", ClientSettings.open(file()).get(CLIENT_KEY));
        assertEquals(List.of("[General]", "client.test-key=30"), Files.readAllLines(file(), StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())));
        try (Stream<Path> files = Files.list(file().getParent())) {
            assertEquals(List.of(file()), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void changingAValueKeepsTheOtherLines() throws IOException {
        Files.createDirectories(file().getParent());
        Files.write(file(), List.of("# mine", "[client]", "primary-name=primary", "[General]", "client.test-key=1", "other=x"));
        ClientSettings.open(file()).set(CLIENT_KEY, "2");
        assertEquals(List.of("# mine", "[client]", "primary-name=primary", "[General]", "client.test-key=2", "other=x"),
                Files.readAllLines(file(), StandardCharsets.UTF_8));
    }

    @Test
    void aDaemonKeyIsNotStoredOnTheClient() throws IOException {
        ClientSettings settings = ClientSettings.open(file());
        assertThrows(IllegalStateException.class, () -> settings.set(SettingKeys.PASSPHRASE, "secret"));
        assertFalse(Files.exists(file()));
    }

    @Test
    void theEntryChecksValues() {
        assertEquals(Optional.of("'soon' is not a number"), CLIENT_KEY.problem("soon"));
        assertTrue(CLIENT_KEY.problem("15").isEmpty());
    }

    @Test
    void theRegistryFindsItsKeysAndOnlyThem() {
        assertEquals(Optional.of(SettingKeys.PASSPHRASE), SettingKeys.find("local.passphrase"));
        assertTrue(SettingKeys.find("local.passphrase.x").isEmpty());
        assertEquals(Optional.of(SettingKeys.PERSIST), SettingKeys.find("client.persist"));
        assertEquals(List.of("client.persist", "local.passphrase"), SettingKeys.names());
        assertEquals(Setting.Home.CLIENT, SettingKeys.PERSIST.home());
        assertEquals("0", SettingKeys.PERSIST.defaultValue());
        assertEquals(Access.TRUSTED_OR_ADMIN, SettingKeys.PASSPHRASE.whoMaySet());
        assertEquals("Unrecognized settings key: 'x'", SettingKeys.unrecognized("x"));
    }
}
