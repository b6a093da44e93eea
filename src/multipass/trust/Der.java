// SPDX-License-Identifier: Apache-2.0
package multipass.trust;

import multipass.trust.TrustStore.TrustStoreException;

/**
 * The cheap structural check the trust store makes of each certificate it loads: DER of a
 * SEQUENCE holding exactly a SEQUENCE (TBSCertificate), a SEQUENCE (signatureAlgorithm) and a
 * BIT STRING (signatureValue), RFC 5280 section 4.1, each with a definite length that fits.
 * It catches a damaged or foreign block without the cost of an X.509 parse. Stateless.
 */
final class Der {
    private static final int SEQUENCE = 0x30;
    private static final int BIT_STRING = 0x03;

    private Der() {
    }

    /** Throws, naming {@code where}, unless {@code der} has the shape of a certificate. */
    static void requireCertificate(byte[] der, String where) throws TrustStoreException {
        String problem = problem(der);
        if (problem != null) {
            throw new TrustStoreException(where + ": a block is not a valid certificate: " + problem);
        }
    }

    /** True when {@code der} has the shape of a certificate. */
    static boolean isCertificate(byte[] der) {
        return problem(der) == null;
    }

    private static String problem(byte[] der) {
        long outer = element(der, 0, SEQUENCE);
        if (outer < 0 || end(outer) != der.length) {
            return "not one DER SEQUENCE";
        }
        int at = start(outer);
        for (int tag : new int[] {SEQUENCE, SEQUENCE, BIT_STRING}) {
            long inner = element(der, at, tag);
            if (inner < 0) {
                return "expected TBSCertificate, signatureAlgorithm and signatureValue";
            }
            at = end(inner);
        }
        return at == der.length ? null : "trailing bytes inside the certificate";
    }

    /** The element at {@code at} with tag {@code tag}: its content start and end packed in a long, or -1. */
    private static long element(byte[] der, int at, int tag) {
        if (at + 2 > der.length || (der[at] & 0xff) != tag) {
            return -1;
        }
        int first = der[at + 1] & 0xff;
        int length;
        int content;
        if (first < 0x80) {
            length = first;
            content = at + 2;
        } else {
            int bytes = first & 0x7f;
            if (bytes == 0 || bytes > 3 || at + 2 + bytes > der.length) {
                return -1;
            }
            length = 0;
            for (int i = 0; i < bytes; i++) {
                length = (length << 8) | (der[at + 2 + i] & 0xff);
            }
            content = at + 2 + bytes;
        }
        long end = (long) content + length;
        return end > der.length ? -1 : ((long) content << 32) | end;
    }

    private static int start(long element) {
        return (int) (element >>> 32);
    }

    private static int end(long element) {
        return (int) element;
    }
}
