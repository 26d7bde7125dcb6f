package dev.steward.supervise;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bytes of the system as text and back, UTF-8 or not, as Python's surrogateescape does. */
class RawTextTest {
    @Test
    void anyBytesComeBackAsTheyWere() {
        byte[][] samples = {
                {}, {'a', '=', 'b'}, "caf\u00e9 \u65e5\u672c \ud83d\ude00".getBytes(StandardCharsets.UTF_8),
                {'c', 'a', 'f', (byte) 0xe9}, {(byte) 0xff, (byte) 0xfe, 'x', (byte) 0x80},
                {(byte) 0xe0, 'A', (byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a lead byte cut short; CESU
        };
        for (byte[] sample : samples) {
            assertArrayEquals(sample, RawText.encode(RawText.decode(sample, 0, sample.length)));
        }
    }

    @Test
    void utf8IsReadAsTheTextItIs() {
        byte[] bytes = "x caf\u00e9 \ud83d\ude00 y".getBytes(StandardCharsets.UTF_8);
        assertEquals("caf\u00e9 \ud83d\ude00", RawText.decode(bytes, 2, bytes.length - 4));
    }

    @Test
    void lossyTextHasEachEscapeAsTheReplacementCharacterAndKeepsRealCharacters() {
        String real = new String(Character.toChars(0x10080)); // its low surrogate is U+DC80, the escape of 0x80
        String text = RawText.decode(new byte[] {'c', 'a', 'f', (byte) 0xe9, '-', (byte) 0xf0, (byte) 0x90, (byte) 0x82,
                (byte) 0x80, (byte) 0x80}, 0, 10);
        assertEquals("caf\ufffd-" + real + "\ufffd", RawText.lossy(text));
        assertEquals("plain", RawText.lossy("plain"));
    }

    @Test
    void aRealCharacterWhoseSecondHalfLooksLikeAnEscapeIsWrittenAsUtf8() {
        String text = new String(Character.toChars(0x10080)); // its low surrogate is U+DC80, the escape of 0x80
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), RawText.encode(text));
    }
}
