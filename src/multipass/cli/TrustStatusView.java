// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code multipass trust status}: the daemon's record about the caller (user, uid,
 * fingerprint, trusted, method, admitted) joined with what only the client knows (its
 * certificate file, the daemon's address), rendered as labelled lines or, with
 * {@code --format}, as json, csv or yaml under the key {@code status}. Stateless.
 */
final class TrustStatusView {
    private static final RecordFormatter FORMATTER = new RecordFormatter(List.of(
            new RecordFormatter.Column("user", "User"),
            new RecordFormatter.Column("uid", "UID"),
            new RecordFormatter.Column("identity", "Identity"),
            new RecordFormatter.Column("fingerprint", "Fingerprint"),
            new RecordFormatter.Column("daemon", "Daemon"),
            new RecordFormatter.Column("trusted", "Trusted"),
            new RecordFormatter.Column("method", "Method"),
            new RecordFormatter.Column("admitted", "Admitted")), "status");

    private TrustStatusView() {
    }

    /** The full record: the daemon's fields with the client's {@code identity} and {@code daemon} in their places. */
    static Map<String, String> record(Map<String, String> fromDaemon, Path certificate, String address) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("user", fromDaemon.getOrDefault("user", "unknown"));
        record.put("uid", fromDaemon.getOrDefault("uid", "unknown"));
        record.put("identity", certificate.toString());
        record.put("fingerprint", fromDaemon.getOrDefault("fingerprint", "none"));
        record.put("daemon", address);
        record.put("trusted", fromDaemon.getOrDefault("trusted", "no"));
        record.put("method", fromDaemon.getOrDefault("method", "--"));
        record.put("admitted", fromDaemon.getOrDefault("admitted", "--"));
        return record;
    }

    /** {@code record} in {@code format}: {@code table} gives the labelled lines. */
    static String render(String format, Map<String, String> record) {
        if (!format.equals("table")) {
            return FORMATTER.render(format, List.of(record), "");
        }
        String uid = record.get("uid");
        String trusted = record.get("trusted").equals("yes")
                ? "yes (" + record.get("method") + (record.get("admitted").equals("unknown") ? "" : ", " + record.get("admitted")) + ")"
                : "no";
        return "User:        " + record.get("user") + (uid.equals("unknown") ? "" : " (uid " + uid + ")") + "\n"
                + "Identity:    " + record.get("identity") + "\n"
                + "Fingerprint: " + record.get("fingerprint") + "\n"
                + "Daemon:      " + record.get("daemon") + "\n"
                + "Trusted:     " + trusted + "\n";
    }
}
