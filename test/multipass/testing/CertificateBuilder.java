// SPDX-License-Identifier: Apache-2.0
package multipass.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import multipass.util.Pem;

/**
 * Makes real X.509 v3 certificates (EC P-256, SHA256withECDSA) in milliseconds, without
 * keytool, for tests that need many distinct certificates or ones keytool will not make
 * (another name than localhost, no EKU, expired). A minimal DER encoder of RFC 5280's
 * TBSCertificate; the JDK's own parser checks the result. Not thread-safe (a builder per use).
 */
public final class CertificateBuilder {
    public static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    public static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final SecureRandom RANDOM = new SecureRandom();

    private String subject = "CN=test";
    /** The issuer's Name in DER (its subject, exactly as encoded), null when self-signed. */
    private byte[] issuer;
    private PrivateKey signingKey;
    private Instant notBefore = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    private Instant notAfter = Instant.now().plus(365, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    private Boolean ca;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<String> extendedKeyUsages = new ArrayList<>();

    /** A key pair and the certificate of its public key. */
    public record Issued(KeyPair keys, X509Certificate certificate) {
        /** The certificate's DER bytes. */
        public byte[] der() {
            try {
                return certificate.getEncoded();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The certificate as one PEM block. */
        public String pem() {
            return Pem.encode(Pem.CERTIFICATE, der());
        }
    }

    /** The common name of the subject (a single CN attribute). */
    public CertificateBuilder subject(String commonName) {
        this.subject = "CN=" + commonName;
        return this;
    }

    /** Signs with {@code issuer}'s key and names it as issuer (default: self-signed). */
    public CertificateBuilder issuedBy(Issued issuer) {
        this.issuer = issuer.certificate().getSubjectX500Principal().getEncoded();
        this.signingKey = issuer.keys().getPrivate();
        return this;
    }

    public CertificateBuilder validity(Instant from, Instant to) {
        this.notBefore = from.truncatedTo(ChronoUnit.SECONDS);
        this.notAfter = to.truncatedTo(ChronoUnit.SECONDS);
        return this;
    }

    /** Adds basicConstraints (critical) with cA = {@code ca}, and keyCertSign for a CA. */
    public CertificateBuilder ca(boolean ca) {
        this.ca = ca;
        return this;
    }

    public CertificateBuilder dnsName(String name) {
        dnsNames.add(name);
        return this;
    }

    public CertificateBuilder extendedKeyUsage(String oid) {
        extendedKeyUsages.add(oid);
        return this;
    }

    /** A new P-256 key pair. */
    public static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed end-entity certificate named {@code commonName}. */
    public static Issued selfSigned(String commonName) {
        return new CertificateBuilder().subject(commonName).build();
    }

    /** Builds a certificate for a new key pair. */
    public Issued build() {
        KeyPair keys = ecKeyPair();
        return new Issued(keys, build(keys.getPublic(), signingKey != null ? signingKey : keys.getPrivate()));
    }

    private X509Certificate build(PublicKey publicKey, PrivateKey signer) {
        byte[] algorithm = seq(oid("1.2.840.10045.4.3.2"));
        byte[] tbs = seq(
                tlv(0xA0, integer(BigInteger.TWO)),
                integer(new BigInteger(63, RANDOM).add(BigInteger.ONE)),
                algorithm,
                issuer != null ? issuer : name(subject),
                seq(time(notBefore), time(notAfter)),
                name(subject),
                publicKey.getEncoded(),
                extensions());
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(signer);
            signature.update(tbs);
            byte[] der = seq(tbs, algorithm, bitString(signature.sign(), 0));
            return Pem.certificate(der);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the test certificate does not parse: " + e.getMessage(), e);
        }
    }

    private byte[] extensions() {
        List<byte[]> list = new ArrayList<>();
        if (ca != null) {
            list.add(extension("2.5.29.19", true, ca ? seq(new byte[] {0x01, 0x01, (byte) 0xFF}) : seq()));
            // keyUsage: keyCertSign + cRLSign (bits 5, 6) for a CA, digitalSignature (bit 0) otherwise
            list.add(extension("2.5.29.15", true, ca ? bitString(new byte[] {0x06}, 1) : bitString(new byte[] {(byte) 0x80}, 7)));
        }
        if (!dnsNames.isEmpty()) {
            List<byte[]> names = new ArrayList<>();
            for (String dns : dnsNames) {
                names.add(tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII)));
            }
            list.add(extension("2.5.29.17", false, seq(names.toArray(new byte[0][]))));
        }
        if (!extendedKeyUsages.isEmpty()) {
            List<byte[]> oids = new ArrayList<>();
            for (String usage : extendedKeyUsages) {
                oids.add(oid(usage));
            }
            list.add(extension("2.5.29.37", false, seq(oids.toArray(new byte[0][]))));
        }
        return list.isEmpty() ? new byte[0] : tlv(0xA3, seq(list.toArray(new byte[0][])));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? seq(oid(oid), new byte[] {0x01, 0x01, (byte) 0xFF}, tlv(0x04, value)) : seq(oid(oid), tlv(0x04, value));
    }

    /** A Name of one or more RDNs in RFC 2253 form, e.g. {@code CN=x} (UTF8String values). */
    private static byte[] name(String rfc2253) {
        List<byte[]> rdns = new ArrayList<>();
        String[] parts = rfc2253.split(",");
        for (int i = parts.length - 1; i >= 0; i--) {
            String[] kv = parts[i].split("=", 2);
            String type = switch (kv[0].strip()) {
                case "CN" -> "2.5.4.3";
                case "O" -> "2.5.4.10";
                default -> throw new IllegalArgumentException("unsupported attribute " + kv[0]);
            };
            rdns.add(tlv(0x31, seq(oid(type), tlv(0x0C, kv[1].getBytes(StandardCharsets.UTF_8)))));
        }
        return seq(rdns.toArray(new byte[0][]));
    }

    private static byte[] time(Instant instant) {
        int year = instant.atZone(ZoneOffset.UTC).getYear();
        boolean utc = year >= 1950 && year < 2050;
        String text = DateTimeFormatter.ofPattern(utc ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
        return tlv(utc ? 0x17 : 0x18, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    private static byte[] bitString(byte[] bits, int unusedBits) {
        byte[] value = new byte[bits.length + 1];
        value[0] = (byte) unusedBits;
        System.arraycopy(bits, 0, value, 1, bits.length);
        return tlv(0x03, value);
    }

    private static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            long arc = Long.parseLong(arcs[i]);
            int groups = 1;
            while ((arc >>> (7 * groups)) != 0) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                out.write((int) ((arc >>> (7 * g)) & 0x7F) | (g > 0 ? 0x80 : 0));
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return tlv(0x30, out.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >>> 16);
            out.write(length >>> 8);
            out.write(length);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
