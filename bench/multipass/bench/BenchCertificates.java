// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.tls.Identity;
import multipass.util.Pem;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.List;

/**
 * Self-signed X.509 v3 client certificates (EC P-256, SHA256withECDSA, subject {@code CN=<name>},
 * no extensions) made in microseconds, so the scale section can preload 100,000 trusted
 * certificates without 100,000 keytool runs. A minimal DER encoder of RFC 5280's
 * TBSCertificate; the JDK's parser checks every certificate that becomes an {@link Identity}.
 * Preloaded entries share one key pair and differ by serial number and name, which is all a
 * trust store needs (the daemon matches exact DER and never verifies stored signatures).
 * Not thread-safe.
 */
final class BenchCertificates {
    /** ecdsa-with-SHA256 (1.2.840.10045.4.3.2) as an AlgorithmIdentifier. */
    private static final byte[] ALGORITHM = seq(hex("06082a8648ce3d040302"));
    /** id-at-commonName (2.5.4.3). */
    private static final byte[] COMMON_NAME = hex("0603550403");
    /** Validity 2025-01-01 to 2049-12-31, as UTCTime. */
    private static final byte[] VALIDITY = seq(tlv(0x17, ascii("250101000000Z")), tlv(0x17, ascii("491231235959Z")));

    private final KeyPair shared = keyPair();
    private final Signature signer;

    BenchCertificates() {
        try {
            signer = Signature.getInstance("SHA256withECDSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withECDSA is a mandatory JDK algorithm", e);
        }
    }

    /** A certificate of the shared key named {@code name} with serial {@code serial}, as DER. */
    byte[] preloaded(String name, long serial) {
        return build(shared, name, serial);
    }

    /** A client identity of its own key pair, as the CLI would present it. */
    Identity identity(String name, long serial) {
        KeyPair keys = keyPair();
        try {
            return new Identity(keys.getPrivate(), List.of(Pem.certificate(build(keys, name, serial))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the bench's certificate does not parse: " + e.getMessage(), e);
        }
    }

    private byte[] build(KeyPair keys, String name, long serial) {
        byte[] subject = seq(tlv(0x31, seq(COMMON_NAME, tlv(0x0C, name.getBytes(StandardCharsets.UTF_8)))));
        byte[] tbs = seq(tlv(0xA0, tlv(0x02, new byte[] {2})), tlv(0x02, java.math.BigInteger.valueOf(serial).toByteArray()),
                ALGORITHM, subject, VALIDITY, subject, keys.getPublic().getEncoded());
        try {
            signer.initSign(keys.getPrivate());
            signer.update(tbs);
            byte[] signature = signer.sign();
            byte[] bits = new byte[signature.length + 1];
            System.arraycopy(signature, 0, bits, 1, signature.length);
            return seq(tbs, ALGORITHM, tlv(0x03, bits));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the bench's certificate: " + e.getMessage(), e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is a mandatory JDK algorithm", e);
        }
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return tlv(0x30, out.toByteArray());
    }

    /** One DER tag-length-value (lengths below 64 KiB, all this builder needs). */
    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 4);
        out.write(tag);
        if (value.length < 0x80) {
            out.write(value.length);
        } else if (value.length < 0x100) {
            out.write(0x81);
            out.write(value.length);
        } else {
            out.write(0x82);
            out.write(value.length >>> 8);
            out.write(value.length);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] hex(String text) {
        return java.util.HexFormat.of().parseHex(text);
    }
}
