// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.auth.AuthLimits;
import multipass.serve.Settings;
import multipass.util.LimitValues;

import java.util.Map;
import java.util.stream.Stream;

/** The limits set in the {@code [Limits]} section of {@code multipassd.conf}, read once at start. */
record DaemonLimits(AuthLimits auth, ConnectionLimits connections) {

    /** The limits of {@code [Limits]}, every key known and every value valid, or a startup failure that names the bad line. */
    static DaemonLimits read(Settings settings) throws StartupException {
        Map<String, String> section = settings.section("Limits");
        try {
            LimitValues.requireKnown(section, Stream.concat(AuthLimits.KEYS.stream(), ConnectionLimits.KEYS.stream()).toList());
            return new DaemonLimits(AuthLimits.fromSettings(section), ConnectionLimits.fromSettings(section));
        } catch (LimitValues.InvalidLimitException e) {
            throw new StartupException("invalid [Limits] in " + Settings.FILE + ": " + e.getMessage(), e);
        }
    }
}
