// SPDX-License-Identifier: Apache-2.0
package multipass.api;

/** The product version shared by the CLI and the daemon. */
public final class BuildInfo {
    /** Version printed by {@code multipass version}. */
    public static final String VERSION = "1.0.0";

    private BuildInfo() {
    }
}
