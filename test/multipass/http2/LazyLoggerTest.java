// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lazy logger answers as the logger it stands for, once it is used. */
class LazyLoggerTest {
    @Test
    void itAnswersAsTheLoggerOfItsName() {
        String name = LazyLoggerTest.class.getName();
        System.Logger lazy = LazyLogger.of(name);
        assertEquals(name, lazy.getName());
        for (System.Logger.Level level : System.Logger.Level.values()) {
            assertEquals(System.getLogger(name).isLoggable(level), lazy.isLoggable(level), level.toString());
        }
        lazy.log(System.Logger.Level.TRACE, "not shown at the default level: {0}", "a parameter");
    }
}
