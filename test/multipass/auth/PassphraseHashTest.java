// SPDX-License-Identifier: Apache-2.0
package multipass.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PassphraseHash}: the stored format, salting, verification, rejection of malformed
 * stored strings, and known-answer vectors computed independently with Python's
 * {@code hashlib.pbkdf2_hmac('sha256', passphrase.encode('utf-8'), salt, iterations, 32)}.
 * Most cases use a low iteration count through the package-private {@code hash(char[], int)}.
 */
class PassphraseHashTest {
    /** Python: salt bytes(range(16)), 1000 iterations. */
    private static final String ASCII_VECTOR = "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4";
    /** Python: salt b"multipass-salt16", 2000 iterations, passphrase encoded as UTF-8. */
    private static final String UNICODE_VECTOR = "pbkdf2-sha256$2000$bXVsdGlwYXNzLXNhbHQxNg$b+50CQZM50Epn/YswN+xbSHPyzO/GPwxAHZpD3vPYAM";

    @Test
    void defaultHashHasTheDocumentedFormatAndVerifies() {
        String stored = PassphraseHash.hash("correct horse".toCharArray());
        String[] parts = stored.split("\\$");
        assertEquals(4, parts.length, stored);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals("600000", parts[1]);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
        assertTrue(PassphraseHash.verify("correct horse".toCharArray(), stored));
    }

    @Test
    void rightAndWrongPassphrases() {
        String stored = PassphraseHash.hash("s3cret".toCharArray(), 1000);
        assertTrue(PassphraseHash.verify("s3cret".toCharArray(), stored));
        assertFalse(PassphraseHash.verify("s3cret ".toCharArray(), stored));
        assertFalse(PassphraseHash.verify("S3cret".toCharArray(), stored));
        assertFalse(PassphraseHash.verify("".toCharArray(), stored));
    }

    @Test
    void twoHashesOfTheSamePassphraseHaveDifferentSalts() {
        String a = PassphraseHash.hash("same".toCharArray(), 1000);
        String b = PassphraseHash.hash("same".toCharArray(), 1000);
        assertNotEquals(a.split("\\$")[2], b.split("\\$")[2]);
        assertNotEquals(a, b);
        assertTrue(PassphraseHash.verify("same".toCharArray(), a));
        assertTrue(PassphraseHash.verify("same".toCharArray(), b));
    }

    @Test
    void hashingDoesNotConsumeTheCallersPassphrase() {
        char[] passphrase = "keep me".toCharArray();
        PassphraseHash.hash(passphrase, 1000);
        assertEquals("keep me", new String(passphrase));
    }

    @Test
    void knownAnswerAscii() {
        assertTrue(PassphraseHash.verify("correct horse battery staple".toCharArray(), ASCII_VECTOR));
        assertFalse(PassphraseHash.verify("correct horse battery stapl".toCharArray(), ASCII_VECTOR));
    }

    @Test
    void knownAnswerUnicodeIsUtf8() {
        assertTrue(PassphraseHash.verify("pässwörd ✓🔑".toCharArray(), UNICODE_VECTOR));
        assertFalse(PassphraseHash.verify("passwort ✓🔑".toCharArray(), UNICODE_VECTOR));
    }

    @Test
    void paddedBase64IsAcceptedToo() {
        String padded = "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw==$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4=";
        assertTrue(PassphraseHash.verify("correct horse battery staple".toCharArray(), padded));
    }

    @Test
    void theIterationCountInTheStringIsTheOneUsed() {
        String moreIterations = ASCII_VECTOR.replace("$1000$", "$1001$");
        assertFalse(PassphraseHash.verify("correct horse battery staple".toCharArray(), moreIterations));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "plain-text-passphrase",
        "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw",
        "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4$extra",
        "scrypt$1000$AAECAwQFBgcICQoLDA0ODw$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$many$AAECAwQFBgcICQoLDA0ODw$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$0$AAECAwQFBgcICQoLDA0ODw$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$-5$AAECAwQFBgcICQoLDA0ODw$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$2000000000$AAECAwQFBgcICQoLDA0ODw$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$99999999999$AAECAwQFBgcICQoLDA0ODw$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$1000$$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$",
        "pbkdf2-sha256$1000$not*base64$ppsXnjrdPB4KryJ6DrOqKqhkWrhv7PbKAMF1Eml8cZ4",
        "pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$not*base64",
    })
    void malformedStoredStringsAreErrorsNotMismatches(String stored) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PassphraseHash.verify("x".toCharArray(), stored));
        assertFalse(e.getMessage().contains("ppsXnjrdPB4K"), "the message does not echo the hash: " + e.getMessage());
    }

    @Test
    void wipeOverwritesTheBuffer() {
        char[] passphrase = "secret".toCharArray();
        PassphraseHash.wipe(passphrase);
        assertEquals(new String(new char[6]), new String(passphrase));
    }
}
