package dev.steward.supervise;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bytes from the system (the daemon's environment) as text and back, losing none: UTF-8, each byte that is not part of
 * a UTF-8 character kept as the lone surrogate U+DC80 + its value, as Python's {@code surrogateescape} keeps it (so
 * supervisord hands its children a Latin-1 {@code caf\xe9} as it got it). Plain UTF-8 would have made it U+FFFD for
 * good, and the child would get three other bytes.
 */
public final class RawText {
    private static final char FIRST_ESCAPE = (char) 0xDC80;
    private static final char LAST_ESCAPE = (char) 0xDCFF;
    private static final char REPLACEMENT = (char) 0xFFFD;

    private RawText() {
    }

    /** {@code length} bytes from {@code offset} as text, a stray byte kept as its escape. */
    public static String decode(byte[] bytes, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(length);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                break;
            }
            for (int i = 0; i < result.length(); i++) {
                int stray = in.get() & 0xff; // from 0x80: the decoder never finds an ASCII byte malformed
                out.put(stray < 0x80 ? (char) stray : (char) (FIRST_ESCAPE + stray - 0x80));
            }
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** The text as UTF-8, each escape as the byte it stands for. */
    public static byte[] encode(String text) {
        int escape = firstEscape(text);
        if (escape < 0) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
        int start = 0;
        for (int i = escape; i < text.length(); i++) {
            if (isEscape(text, i)) {
                out.writeBytes(text.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write(0x80 + (text.charAt(i) - FIRST_ESCAPE));
                start = i + 1;
            }
        }
        out.writeBytes(text.substring(start).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * The text with each escape as U+FFFD, as every stray byte was before escapes kept them: for a file name, since Java
     * makes none of a lone surrogate (a PATH lookup threw on the supervision thread). The spawn's argv and environment
     * get the bytes.
     */
    public static String lossy(String text) {
        int escape = firstEscape(text);
        if (escape < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text);
        for (int i = escape; i < text.length(); i++) {
            if (isEscape(text, i)) {
                out.setCharAt(i, REPLACEMENT);
            }
        }
        return out.toString();
    }

    private static int firstEscape(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isEscape(text, i)) {
                return i;
            }
        }
        return -1;
    }

    /** A lone low surrogate in the escapes' range: one after a high surrogate is half of a real character. */
    private static boolean isEscape(String text, int i) {
        char c = text.charAt(i);
        return c >= FIRST_ESCAPE && c <= LAST_ESCAPE && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
    }
}
