package dev.steward.manifest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A manifest's bytes as UTF-8 text, strictly: the watcher, the API and the client refuse anything else alike, and say
 * where, since a lenient decoding would apply each bad byte as U+FFFD (in a label, an argument) without a word.
 */
public final class Utf8Text {

    private Utf8Text() {
    }

    /** Bytes that are not UTF-8: the first bad one, and its line and column (counted in characters) from 1. */
    public static final class NotUtf8 extends Exception {
        private final int line;
        private final int column;
        private final int badByte;
        private final boolean utf16; // it starts with a UTF-16 byte-order mark: LATIN1 would be the wrong advice

        NotUtf8(int line, int column, int badByte, boolean utf16) {
            super(null, null, false, false);
            this.line = line;
            this.column = column;
            this.badByte = badByte;
            this.utf16 = utf16;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }

        /** {@code is not UTF-8 text (byte 0xe9); save it as UTF-8 (iconv -f LATIN1 -t UTF-8, say)}: the problem and the cure. */
        @Override
        public String getMessage() {
            return message("");
        }

        /** {@link #getMessage()} with the position in words, for a message that has no place for it otherwise. */
        public String messageWithPosition() {
            return message(" at line " + line + ", column " + column);
        }

        private String message(String position) {
            if (utf16) {
                return "is UTF-16 text, not UTF-8 (it starts with UTF-16's byte-order mark, as Windows PowerShell's > writes"
                        + " files); save it as UTF-8 (iconv -f UTF-16 -t UTF-8, or Out-File -Encoding utf8)";
            }
            return "is not UTF-8 text" + position + " (byte 0x" + Integer.toHexString(0x100 | badByte).substring(1)
                    + "); save it as UTF-8 (iconv -f LATIN1 -t UTF-8, say)";
        }
    }

    /** {@code bytes} decoded as UTF-8, refused at the first byte that is not. */
    public static String decode(byte[] bytes) throws NotUtf8 {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw notUtf8(bytes, in.position());
        }
        return out.flip().toString();
    }

    private static NotUtf8 notUtf8(byte[] bytes, int at) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < at; i++) {
            if (bytes[i] == '\n') {
                line++;
                column = 1;
            } else if ((bytes[i] & 0xC0) != 0x80) { // a continuation byte belongs to the character before
                column++;
            }
        }
        boolean utf16 = bytes.length >= 2 && ((bytes[0] == (byte) 0xff && bytes[1] == (byte) 0xfe)
                || (bytes[0] == (byte) 0xfe && bytes[1] == (byte) 0xff));
        return new NotUtf8(line, column, bytes[at] & 0xff, utf16);
    }
}
