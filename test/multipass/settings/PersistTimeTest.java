// SPDX-License-Identifier: Apache-2.0
package multipass.settings;

import multipass.warm.WarmStarter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The values {@code client.persist} takes, and which one wins for a command. */
class PersistTimeTest {
    @Test
    void acceptsZeroAndOneWholeNumberWithOneUnit() {
        assertEquals(Duration.ZERO, PersistTime.parse("0"));
        assertEquals(Duration.ofSeconds(30), PersistTime.parse("30s"));
        assertEquals(Duration.ofMinutes(10), PersistTime.parse("10m"));
        assertEquals(Duration.ofHours(1), PersistTime.parse("1h"));
        assertEquals(Duration.ofHours(24), PersistTime.parse("24h"));
        assertEquals(Duration.ofHours(24), PersistTime.parse("86400s"));
    }

    @Test
    void rejectsEverythingElseNamingTheValue() {
        for (String bad : List.of("", "1", "30", "s", "0s", "05m", "1h30m", "1.5h", "-1m", "1d", "25h", "86401s", "1H", " 1h", "99999999h")) {
            String problem = PersistTime.problem(bad).orElseThrow(() -> new AssertionError("accepted '" + bad + "'"));
            assertEquals("Invalid value '" + bad + "' for client.persist: use 0 (off) or a whole number of seconds, minutes or hours"
                    + " from 1s to 24h, such as 30s, 10m or 1h", problem);
        }
    }

    @Test
    void theEnvironmentOverridesTheFileAndABadValueThereIsOff(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("multipass.conf");
        assertEquals(Duration.ZERO, PersistTime.effective(null, config), "no file: off");
        Files.writeString(config, "[General]\nclient.persist=10m\n");
        assertEquals(Duration.ofMinutes(10), PersistTime.effective(null, config));
        assertEquals(Duration.ofMinutes(10), PersistTime.effective("", config));
        assertEquals(Duration.ofSeconds(30), PersistTime.effective("30s", config));
        assertEquals(Duration.ZERO, PersistTime.effective("0", config));
        assertEquals(Duration.ZERO, PersistTime.effective("soon", config));
        Files.writeString(config, "[General]\nclient.persist=forever\n");
        assertTrue(PersistTime.effective(null, config).isZero(), "a bad value in the file: off");
    }

    @Test
    void theStarterWritesWhatTheParserReads() {
        for (String value : List.of("0", "30s", "10m", "24h")) {
            Duration duration = PersistTime.parse(value);
            assertEquals(duration, PersistTime.parse(WarmStarter.format(duration)));
        }
    }
}
