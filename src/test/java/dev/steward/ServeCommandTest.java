package dev.steward;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serve command line read without picocli agrees with picocli, and leaves everything else to it. */
class ServeCommandTest {

    private static List<Object> fields(ServeCommand serve) {
        return java.util.Arrays.asList(serve.manifests, serve.stateDir, serve.listen, serve.cdsTraining);
    }

    private static ServeCommand picocli(String... args) {
        CommandLine.ParseResult parsed = new CommandLine(new Main.StewardCommand()).parseArgs(args);
        return (ServeCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void commonCommandLinesGiveWhatPicocliGives() {
        for (String[] args : List.of(
                new String[] {"serve"},
                new String[] {"serve", "--manifests", "m", "--state-dir", "/var/lib/steward", "--listen", "0.0.0.0:9001"},
                new String[] {"serve", "--listen=127.0.0.1:0", "--manifests=dir with spaces"},
                new String[] {"serve", "--state-dir", "s", "--cds-training"},
                new String[] {"serve", "--manifests", "a=b"})) {
            Optional<ServeCommand> quick = ServeCommand.parseCommon(args);
            assertTrue(quick.isPresent(), String.join(" ", args));
            assertEquals(fields(picocli(args)), fields(quick.get()), String.join(" ", args));
        }
    }

    @Test
    void helpUnknownRepeatedOrIncompleteOptionsAreLeftToPicocli() {
        for (String[] args : List.of(
                new String[] {"serve", "--help"},
                new String[] {"serve", "-h"},
                new String[] {"serve", "--manifest", "m"},
                new String[] {"serve", "--manifests", "a", "--manifests", "b"},
                new String[] {"serve", "--manifests"},
                new String[] {"serve", "--manifests", "--listen", "x:1"},
                new String[] {"serve", "extra"},
                new String[] {"serve", "--cds-training=yes"},
                new String[] {"get", "programs"},
                new String[] {})) {
            assertEquals(Optional.empty(), ServeCommand.parseCommon(args).map(ServeCommandTest::fields), String.join(" ", args));
        }
    }

    @Test
    void aListenAddressIsCheckedBeforeAnythingStarts() {
        assertArrayEquals(new String[] {"127.0.0.1", "9001"}, ServeCommand.hostAndPort("127.0.0.1:9001", "--listen"));
        assertArrayEquals(new String[] {"[::1]", "0"}, ServeCommand.hostAndPort("[::1]:0", "--listen"));
        for (String bad : List.of("9001", "127.0.0.1", ":9001", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:http",
                "127.0.0.1:-1", "127.0.0.1:123456")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ServeCommand.hostAndPort(bad, "STEWARD_LISTEN"), bad);
            assertEquals("STEWARD_LISTEN must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:9001 (got " + bad + ")",
                    e.getMessage());
        }
    }
}
