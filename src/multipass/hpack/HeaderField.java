// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

/**
 * One HTTP field (RFC 9110 section 5): a name and a value. HTTP/2 field names are lower case.
 * Both are kept as ISO-8859-1 strings, one char per octet, so any octet string survives a
 * round trip through HPACK; gRPC's values are ASCII (grpc-message is percent-encoded).
 * {@link #equals} and {@link #hashCode} are written out: the record's generated ones bootstrap
 * {@code java.lang.runtime.ObjectMethods} at first use, some 10 ms of method-handle spinning
 * at every CLI start (the static table is a hash map of fields).
 */
public record HeaderField(String name, String value) {
    /** The size RFC 7541 section 4.1 charges for this field: name and value octets plus 32. */
    public int size() {
        return name.length() + value.length() + 32;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HeaderField field && name.equals(field.name) && value.equals(field.value);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + value.hashCode();
    }
}
