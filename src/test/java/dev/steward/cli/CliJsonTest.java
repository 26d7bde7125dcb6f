package dev.steward.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliJsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"s\": \"a\\\"b\\\\c\\n\\u00e9\\/\", \"i\": -42, \"big\": 12345678901234, \"d\": 1.5e3,"
                + " \"t\": true, \"f\": false, \"n\": null, \"l\": [1, [], {}], \"o\": {\"x\": {\"y\": \"z\"}}} ");
        Map<String, Object> m = Json.obj(v);
        assertEquals("a\"b\\c\né/", m.get("s"));
        assertEquals(-42L, m.get("i"));
        assertEquals(12345678901234L, m.get("big"));
        assertEquals(1500.0, m.get("d"));
        assertEquals(true, m.get("t"));
        assertEquals(false, m.get("f"));
        assertTrue(m.containsKey("n"));
        assertNull(m.get("n"));
        assertEquals(Arrays.asList(1L, List.of(), Map.of()), m.get("l"));
        assertEquals("z", Json.str(v, "o.x.y"));
        assertNull(Json.str(v, "o.nope.y"));
        assertEquals(-42, Json.num(v, "i", 0));
        assertEquals(7, Json.num(v, "missing", 7));
    }

    @Test
    void stringsWithAndWithoutEscapes() {
        assertEquals(List.of("", "plain", "ab\ncd", "\"", "é ✓"),
                Json.parse("[\"\", \"plain\", \"ab\\ncd\", \"\\\"\", \"é ✓\"]"));
        // the offsets the char-by-char loop gives: just past the control character, or the end of the text
        Map<String, String> offsets = Map.of("\"a\u0001b\"", "offset 3:", "\"tab\tinside\"", "offset 5:",
                "\"unterminated", "offset 13:", "[\"a\", \"b", "offset 8:");
        offsets.forEach((bad, offset) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("bad JSON at " + offset), bad + ": " + e.getMessage());
        });
    }

    @Test
    void keepsMemberOrder() {
        Map<String, Object> m = Json.obj(Json.parse("{\"z\": 1, \"a\": 2, \"m\": 3}"));
        assertEquals(List.of("z", "a", "m"), List.copyOf(m.keySet()));
    }

    @Test
    void rejectsBrokenInputWithAnOffset() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "tru", "\"open", "{\"a\":1} x", "01x", "\"\\x\"", "[1 2]", "{a:1}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("bad JSON at offset "), e.getMessage());
        }
    }

    @Test
    void printsPrettyAndCompactAndRoundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "web \"0\"\n\t\u0001");
        m.put("pid", 12L);
        m.put("empty", List.of());
        m.put("none", null);
        m.put("nested", Map.of("ok", true));
        assertEquals("{\n  \"name\": \"web \\\"0\\\"\\n\\t\\u0001\",\n  \"pid\": 12,\n  \"empty\": [],\n  \"none\": null,\n"
                + "  \"nested\": {\n    \"ok\": true\n  }\n}", Json.pretty(m));
        assertEquals("{\"name\":\"web \\\"0\\\"\\n\\t\\u0001\",\"pid\":12,\"empty\":[],\"none\":null,\"nested\":{\"ok\":true}}", Json.compact(m));
        assertEquals(m, Json.parse(Json.pretty(m)));
        assertEquals(m, Json.parse(Json.compact(m)));
    }

    @Test
    void parsesTheApiFixtures() {
        for (String fixture : List.of(Fixtures.PROGRAMS, Fixtures.PROCESSES, Fixtures.EVENTS)) {
            Object v = Json.parse(fixture);
            assertEquals(v, Json.parse(Json.pretty(v)));
        }
        assertEquals("KILL", Json.str(Json.parse(Fixtures.WEB_1), "lastExit.signal"));
    }
}
