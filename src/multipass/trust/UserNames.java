// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import java.nio.charset.StandardCharsets;

/**
 * One String per user name met while reading the trust store, looked up by the name's bytes
 * (ISO-8859-1, as the store's metadata is read) so that the 100,000th entry of a user costs no
 * new String: an open-addressing table, grown at half full. Not thread-safe.
 */
final class UserNames {
    private String[] table = new String[256];
    private int size;

    /** The name of {@code bytes[from, from + length)}, the same String every time. */
    String get(byte[] bytes, int from, int length) {
        int hash = 0;
        for (int i = from; i < from + length; i++) {
            hash = hash * 31 + (bytes[i] & 0xff);
        }
        int mask = table.length - 1;
        for (int slot = mix(hash) & mask;; slot = (slot + 1) & mask) {
            String name = table[slot];
            if (name == null) {
                return add(new String(bytes, from, length, StandardCharsets.ISO_8859_1), slot);
            }
            if (same(name, bytes, from, length)) {
                return name;
            }
        }
    }

    private String add(String name, int slot) {
        table[slot] = name;
        if (++size * 2 > table.length) {
            String[] old = table;
            table = new String[old.length * 2];
            for (String known : old) {
                if (known != null) {
                    put(known);
                }
            }
        }
        return name;
    }

    private void put(String name) {
        int mask = table.length - 1;
        int slot = mix(name.hashCode()) & mask; // String.hashCode of Latin-1 text is the hash computed in get
        while (table[slot] != null) {
            slot = (slot + 1) & mask;
        }
        table[slot] = name;
    }

    private static boolean same(String name, byte[] bytes, int from, int length) {
        if (name.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) != (bytes[from + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static int mix(int hash) {
        return hash ^ (hash >>> 16);
    }
}
