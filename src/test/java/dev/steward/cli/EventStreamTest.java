package dev.steward.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.steward.cli.FakeDaemon.Answer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStreamTest {
    @TempDir
    Path dir;

    @Test
    void readsAheadOfASlowOutputOnlyAsFarAsItsBoundAndLosesNothing() throws Exception {
        String[] chunks = new String[100];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = "data: {\"id\": " + i + "}\n\n";
        }
        try (FakeDaemon daemon = FakeDaemon.unix(dir.resolve("steward.sock"))) {
            daemon.on("GET", "/events/stream", Answer.chunked("text/event-stream", chunks));
            try (EventStream stream = EventStream.open(Api.of(daemon.address, Map.of(), dir), 10)) {
                // nobody takes events yet: the reader stops at its bound instead of holding all 100
                await().atMost(30, SECONDS).until(stream::readAheadFull);
                List<Long> ids = new ArrayList<>();
                CliException end = assertThrows(CliException.class, () -> stream.forEach(e -> ids.add(Json.num(e, "id", -1))));
                assertEquals(StewardCli.EXIT_UNREACHABLE, end.exitCode());
                assertEquals(100, ids.size(), ids::toString);
                for (int i = 0; i < ids.size(); i++) {
                    assertEquals(i, ids.get(i));
                }
            }
        }
    }
}
