package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0", "1, 1", "1048576, 1048576",
        "1K, 1024", "10KB, 10240", "512Ki, 524288",
        "1M, 1048576", "50MB, 52428800", "50Mi, 52428800",
        "1G, 1073741824", "1GB, 1073741824", "1Gi, 1073741824",
        "10kb, 10240", "2KiB, 2048", "3MiB, 3145728", "1GiB, 1073741824",
        "50mi, 52428800", "' 50Mi ', 52428800", "'50 MB', 52428800",
        "8589934591Gi, 9223372035781033984", "9223372036854775807, 9223372036854775807"})
    void parsesBinaryMultiples(String text, long bytes) {
        assertEquals(bytes, Quantity.parseBytes(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-50Mi", " -1"})
    void rejectsNegatives(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parseBytes(text));
        assertTrue(e.getMessage().startsWith("must not be negative"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "Mi", "1.5Gi", "50 M B", "0x10", "1e6"})
    void rejectsGarbage(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parseBytes(text));
        assertTrue(e.getMessage().contains("is not a byte size (got \"" + text + "\")"), e.getMessage());
        assertTrue(e.getMessage().contains("50Mi"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10TB", "5Ti", "10X", "3bytes"})
    void rejectsUnknownUnits(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parseBytes(text));
        assertTrue(e.getMessage().startsWith("has an unknown unit"), e.getMessage());
        assertTrue(e.getMessage().contains("K, KB, Ki, M, MB, Mi, G, GB or Gi"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "99999999999999999999", "8589934592Gi"})
    void rejectsOverflow(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantity.parseBytes(text));
        assertTrue(e.getMessage().startsWith("is too large"), e.getMessage());
    }
}
