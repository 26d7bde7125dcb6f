package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What apply and scale write into a file takes that file's line breaks: a manifest saved on Windows (CRLF) got lines
 * ending in LF alone among its own, which editors show as {@code ^M} on every other line and {@code git diff} marks.
 */
class ManifestWriterLineBreaksTest {

    static final String WEB = ManifestWriterTest.WEB;
    static final String API = ManifestWriterTest.API;

    @TempDir
    Path dir;

    static String crlf(String text) {
        return text.replace("\n", "\r\n");
    }

    String read(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    @Test
    void aScaleInAWindowsFileWritesItsLineInCrlf() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), crlf(WEB));

        new ManifestWriter(dir).scale("web", 3, Map.of("web", dir.resolve("web.yaml")), Map.of(), false);

        assertEquals(crlf(WEB.replace("spec:\n", "spec:\n  replicas: 3\n")), read("web.yaml"));
    }

    @Test
    void anApplyIntoAWindowsFileWritesTheDocumentInCrlfAndKeepsTheOthers() throws IOException {
        Files.writeString(dir.resolve("db.yaml"), crlf(WEB + "---\n" + API)); // where a new program db goes
        String db = WEB.replace("name: web", "name: db");

        new ManifestWriter(dir).apply(WEB.replace("\"100\"", "\"200\"") + "---\n" + db, Map.of(), Map.of(), false);

        assertEquals(crlf(WEB.replace("\"100\"", "\"200\"") + "---\n" + API + "---\n" + db), read("db.yaml"));
    }

    @Test
    void aManifestSentWithCrlfIntoAnLfFileIsWrittenInLf() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), WEB);

        new ManifestWriter(dir).apply(crlf(WEB.replace("\"100\"", "\"200\"")), Map.of(), Map.of(), false);

        assertEquals(WEB.replace("\"100\"", "\"200\""), read("web.yaml"));
    }

    @Test
    void aNewFileIsWrittenAsSent() throws IOException {
        new ManifestWriter(dir).apply(crlf(WEB), Map.of(), Map.of(), false);

        assertEquals(crlf(WEB), read("web.yaml"));
    }
}
