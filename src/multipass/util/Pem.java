// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM encoding (RFC 7468) of certificates and PKCS#8 private keys. Decoding is strict about
 * the block structure and tolerant of explanatory text between blocks, as RFC 7468 allows.
 */
public final class Pem {
    /** The label of certificate blocks. */
    public static final String CERTIFICATE = "CERTIFICATE";
    /** The label of unencrypted PKCS#8 private-key blocks. */
    public static final String PRIVATE_KEY = "PRIVATE KEY";

    /** One decoded block: its label, DER bytes, and the explanatory text lines just before it. */
    public record Block(String label, byte[] der, List<String> preamble, int line) {
    }

    private Pem() {
    }

    /** Encodes {@code der} as one PEM block with 64-column base64 lines. */
    public static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /**
     * Decodes every block in {@code text}. Lines outside blocks are collected as the preamble of
     * the next block. A block without its END line, with a mismatched label or bad base64 throws.
     */
    public static List<Block> decode(String text) throws PemException {
        List<Block> blocks = new ArrayList<>();
        PemReader reader = new PemReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        try {
            for (Block block = reader.next(); block != null; block = reader.next()) {
                blocks.add(block);
            }
        } catch (IOException e) {
            throw new IllegalStateException("a ByteArrayInputStream does not fail", e);
        }
        return blocks;
    }

    /** Parses a DER certificate. */
    public static X509Certificate certificate(byte[] der) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    }

    /** Parses the single certificate of a PEM text. */
    public static X509Certificate singleCertificate(String text) throws PemException {
        return parseCertificate(single(text, CERTIFICATE));
    }

    /** Parses the single PKCS#8 EC private key of a PEM text. */
    public static PrivateKey singleEcKey(String text) throws PemException {
        byte[] der = single(text, PRIVATE_KEY);
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new PemException("not an EC private key in PKCS#8 form: " + e.getMessage(), e);
        }
    }

    private static byte[] single(String text, String label) throws PemException {
        List<Block> blocks = decode(text);
        if (blocks.size() != 1 || !blocks.get(0).label().equals(label)) {
            throw new PemException("expected exactly one " + label + " block, found " + blocks.size() + " block(s)");
        }
        return blocks.get(0).der();
    }

    private static X509Certificate parseCertificate(byte[] der) throws PemException {
        try {
            return certificate(der);
        } catch (CertificateException e) {
            throw new PemException("not a valid X.509 certificate: " + e.getMessage(), e);
        }
    }

    /** Malformed PEM text or a block that does not hold what it should. */
    public static final class PemException extends Exception {
        private static final long serialVersionUID = 1L;

        PemException(String message) {
            super(message);
        }

        PemException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
