// SPDX-License-Identifier: Apache-2.0
package multipass.util;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link PemReader} on inputs larger than its 64 KiB buffer: blocks and lines that straddle
 * a refill, a line longer than the buffer, CRLF endings and no final newline, preambles and
 * line numbers as {@link Pem#decode} reports them.
 */
class PemReaderTest {
    @Test
    void blocksAcrossManyRefillsComeBackWhole() throws Exception {
        StringBuilder text = new StringBuilder();
        List<byte[]> ders = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            byte[] der = new byte[300 + i % 97];
            for (int j = 0; j < der.length; j++) {
                der[j] = (byte) (i * 31 + j);
            }
            ders.add(der);
            text.append("# entry ").append(i).append("\r\n").append(Pem.encode("CERTIFICATE", der).replace("\n", "\r\n"));
        }
        PemReader reader = new PemReader(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
        int line = 1;
        for (int i = 0; i < ders.size(); i++) {
            Pem.Block block = reader.next();
            assertArrayEquals(ders.get(i), block.der(), "block " + i);
            assertEquals(List.of("# entry " + i), block.preamble());
            assertEquals(line + 1, block.line());
            line += 1 + Pem.encode("CERTIFICATE", ders.get(i)).split("\n").length;
        }
        assertNull(reader.next());
    }

    @Test
    void aLineLongerThanTheBufferIsOneLine() throws Exception {
        String comment = "x".repeat(200_000);
        byte[] der = {0x30, 0x00};
        String text = comment + "\n" + Pem.encode("CERTIFICATE", der).stripTrailing();
        PemReader reader = new PemReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
        Pem.Block block = reader.next();
        assertEquals(List.of(comment), block.preamble());
        assertEquals(2, block.line());
        assertArrayEquals(der, block.der());
        assertNull(reader.next());
    }
}
