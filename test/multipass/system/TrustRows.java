// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import multipass.testing.Json;

import java.util.List;
import java.util.Map;

/**
 * Reads the output of {@code multipass trust list --format json}: an object whose one member,
 * {@code "trusted"}, is an array of objects of string members (strictly, with the test tree's
 * {@link Json} reader), so that any other output is an error that quotes it, not a silently
 * wrong row.
 */
final class TrustRows {
    private TrustRows() {
    }

    /** The rows, each an ordered map of field to value (fingerprint, user, uid, method, admitted). */
    static List<Map<String, String>> parseJson(String json) {
        try {
            return Json.records(json, "trusted");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not the JSON of `trust list --format json`: " + e.getMessage() + " in:\n" + json, e);
        }
    }

    /** Only the rows whose {@code field} is {@code value}. */
    static List<Map<String, String>> where(List<Map<String, String>> rows, String field, String value) {
        return rows.stream().filter(row -> value.equals(row.get(field))).toList();
    }
}
