// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import java.util.Locale;

/** How a certificate came to be trusted. */
public enum AdmissionMethod {
    /** The first admin-group client on a fresh Unix socket. */
    FIRST_CLIENT,
    /** {@code multipass authenticate} with the right passphrase. */
    PASSPHRASE,
    /** {@code daemon --install}. */
    INSTALLER,
    /** A bare PEM block added to the store by hand (or by Multipass). */
    MANUAL;

    /** Every method, for parsing without a copy of {@code values()} per call (the store parses one per entry). */
    private static final AdmissionMethod[] ALL = values();

    private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The name shown to users and stored in the file: {@code first-client}, {@code passphrase}... */
    public String label() {
        return label;
    }

    /** Parses {@link #label()}. */
    public static AdmissionMethod parse(String label) {
        for (AdmissionMethod method : ALL) {
            if (method.label.equals(label)) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown admission method '" + label + "'");
    }
}
