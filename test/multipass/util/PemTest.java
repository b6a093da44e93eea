// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import multipass.testing.CertificateBuilder;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Pem}: the RFC 7468 text form (64-column lines, BEGIN/END labels), decoding that keeps
 * the explanatory text between blocks, and strict errors for broken blocks; plus the
 * single-certificate and single-EC-key readers.
 */
class PemTest {
    private static final byte[] DER = new byte[200];

    static {
        for (int i = 0; i < DER.length; i++) {
            DER[i] = (byte) (i * 7);
        }
    }

    @Test
    void encodeWrapsBase64At64ColumnsBetweenLabels() {
        String pem = Pem.encode("CERTIFICATE", DER);
        String[] lines = pem.split("\n", -1);
        assertEquals("-----BEGIN CERTIFICATE-----", lines[0]);
        assertEquals("-----END CERTIFICATE-----", lines[lines.length - 2]);
        assertEquals("", lines[lines.length - 1], "ends with a newline");
        for (int i = 1; i < lines.length - 2; i++) {
            assertTrue(lines[i].length() <= 64 && !lines[i].isEmpty(), "line " + i + ": " + lines[i]);
        }
        assertEquals(64, lines[1].length());
    }

    @Test
    void decodeRoundTripsSeveralBlocksWithTheirPreambles() throws Exception {
        String text = "# first comment\n\n" + Pem.encode("CERTIFICATE", DER)
                + "  indented note  \n# second\n" + Pem.encode("PRIVATE KEY", new byte[] {1, 2, 3});
        List<Pem.Block> blocks = Pem.decode(text);
        assertEquals(2, blocks.size());
        assertEquals("CERTIFICATE", blocks.get(0).label());
        assertArrayEquals(DER, blocks.get(0).der());
        assertEquals(List.of("# first comment"), blocks.get(0).preamble());
        assertEquals(3, blocks.get(0).line());
        assertEquals("PRIVATE KEY", blocks.get(1).label());
        assertArrayEquals(new byte[] {1, 2, 3}, blocks.get(1).der());
        assertEquals(List.of("indented note", "# second"), blocks.get(1).preamble());
    }

    @Test
    void decodeAcceptsCrlfAndNoFinalNewline() throws Exception {
        String text = Pem.encode("CERTIFICATE", DER).replace("\n", "\r\n").stripTrailing();
        List<Pem.Block> blocks = Pem.decode(text);
        assertEquals(1, blocks.size());
        assertArrayEquals(DER, blocks.get(0).der());
    }

    @Test
    void decodeOfTextWithoutBlocksIsEmpty() throws Exception {
        assertEquals(List.of(), Pem.decode(""));
        assertEquals(List.of(), Pem.decode("just some text\nand more\n"));
    }

    @Test
    void missingEndLineIsAnError() {
        String text = "\n" + Pem.encode("CERTIFICATE", DER).replace("-----END CERTIFICATE-----\n", "");
        Pem.PemException e = assertThrows(Pem.PemException.class, () -> Pem.decode(text));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("no matching"), e.getMessage());
    }

    @Test
    void mismatchedEndLabelIsAnError() {
        String text = Pem.encode("CERTIFICATE", DER).replace("END CERTIFICATE", "END PRIVATE KEY");
        Pem.PemException e = assertThrows(Pem.PemException.class, () -> Pem.decode(text));
        assertTrue(e.getMessage().contains("expected '-----END CERTIFICATE-----'"), e.getMessage());
    }

    @Test
    void aBlockOpenedInsideAnotherIsAnError() {
        String cut = Pem.encode("CERTIFICATE", DER).replace("-----END CERTIFICATE-----\n", "");
        assertThrows(Pem.PemException.class, () -> Pem.decode(cut + Pem.encode("CERTIFICATE", DER)));
    }

    @Test
    void invalidBase64IsAnError() {
        String text = "-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n";
        Pem.PemException e = assertThrows(Pem.PemException.class, () -> Pem.decode(text));
        assertTrue(e.getMessage().contains("invalid base64"), e.getMessage());
    }

    @Test
    void singleCertificateParsesOneCertificate() throws Exception {
        CertificateBuilder.Issued issued = CertificateBuilder.selfSigned("pem-test");
        X509Certificate parsed = Pem.singleCertificate("comment\n" + issued.pem());
        assertArrayEquals(issued.der(), parsed.getEncoded());
    }

    @Test
    void singleCertificateRejectsZeroOrTwoBlocksOrAnotherLabel() {
        String one = CertificateBuilder.selfSigned("a").pem();
        assertThrows(Pem.PemException.class, () -> Pem.singleCertificate(""));
        assertThrows(Pem.PemException.class, () -> Pem.singleCertificate(one + one));
        assertThrows(Pem.PemException.class, () -> Pem.singleCertificate(one.replace("CERTIFICATE", "PUBLIC KEY")));
    }

    @Test
    void singleCertificateRejectsBytesThatAreNotACertificate() {
        Pem.PemException e = assertThrows(Pem.PemException.class, () -> Pem.singleCertificate(Pem.encode(Pem.CERTIFICATE, DER)));
        assertTrue(e.getMessage().contains("not a valid X.509 certificate"), e.getMessage());
    }

    @Test
    void singleEcKeyRoundTrip() throws Exception {
        PrivateKey key = CertificateBuilder.ecKeyPair().getPrivate();
        PrivateKey parsed = Pem.singleEcKey(Pem.encode(Pem.PRIVATE_KEY, key.getEncoded()));
        assertEquals("EC", parsed.getAlgorithm());
        assertArrayEquals(key.getEncoded(), parsed.getEncoded());
    }

    @Test
    void singleEcKeyRejectsAnRsaKeyAndGarbage() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        byte[] rsaKey = rsa.generateKeyPair().getPrivate().getEncoded();
        Pem.PemException e = assertThrows(Pem.PemException.class, () -> Pem.singleEcKey(Pem.encode(Pem.PRIVATE_KEY, rsaKey)));
        assertTrue(e.getMessage().contains("not an EC private key"), e.getMessage());
        assertThrows(Pem.PemException.class, () -> Pem.singleEcKey(Pem.encode(Pem.PRIVATE_KEY, DER)));
        assertThrows(Pem.PemException.class, () -> Pem.singleEcKey(CertificateBuilder.selfSigned("x").pem()));
    }
}
