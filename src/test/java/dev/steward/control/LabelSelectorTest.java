package dev.steward.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** kubectl's equality-based selectors. */
class LabelSelectorTest {
    private static final Map<String, String> WEB_PROD = Map.of("tier", "web", "env", "prod");
    private static final Map<String, String> WEB_DEV = Map.of("tier", "web", "env", "dev");
    private static final Map<String, String> NONE = Map.of();

    private static boolean matches(String selector, Map<String, String> labels) {
        return LabelSelector.parse(selector).matches(labels);
    }

    @Test
    void equals() {
        assertTrue(matches("tier=web", WEB_PROD));
        assertFalse(matches("tier=db", WEB_PROD));
        assertFalse(matches("tier=web", NONE));
    }

    @Test
    void doubleEquals() {
        assertTrue(matches("tier==web", WEB_PROD));
        assertFalse(matches("tier==db", WEB_PROD));
        assertFalse(matches("tier==web", NONE));
    }

    @Test
    void notEqualsAlsoMatchesWhenAbsent() {
        assertTrue(matches("env!=dev", WEB_PROD));
        assertFalse(matches("env!=dev", WEB_DEV));
        assertTrue(matches("env!=dev", NONE));
        assertTrue(matches("region!=eu", WEB_PROD));
    }

    @Test
    void exists() {
        assertTrue(matches("tier", WEB_PROD));
        assertFalse(matches("region", WEB_PROD));
        assertTrue(matches("flag", Map.of("flag", "")), "an empty value still exists");
    }

    @Test
    void absent() {
        assertTrue(matches("!region", WEB_PROD));
        assertFalse(matches("!tier", WEB_PROD));
        assertTrue(matches("!tier", NONE));
    }

    @Test
    void termsAreAnded() {
        assertTrue(matches("tier=web,env!=dev", WEB_PROD));
        assertFalse(matches("tier=web,env!=dev", WEB_DEV));
        assertFalse(matches("tier=web,env=prod,region", WEB_PROD));
        assertTrue(matches("tier=web,env==prod,!region,env", WEB_PROD));
    }

    @Test
    void whitespaceAroundTermsKeysAndValuesIsIgnored() {
        assertTrue(matches(" tier = web , env != dev ", WEB_PROD));
        assertTrue(matches("tier == web", WEB_PROD));
        assertTrue(matches(" ! region , tier ", WEB_PROD));
        assertFalse(matches(" tier = web , env != prod ", WEB_PROD));
    }

    @Test
    void keysMayHaveDotsSlashesDashesAndUnderscores() {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", "web", "my_key-1", "x");
        assertTrue(matches("app.kubernetes.io/name=web,my_key-1=x", labels));
    }

    @ParameterizedTest
    @ValueSource(strings = {"=v", "a b=c", "", "   ", "tier=web,,env=prod", "tier=web,", ",tier=web", "!=v", "!", "-a=b"})
    void malformedTermsAreRejectedNamingTheTermAndTheSyntax(String selector) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(selector));

        assertTrue(e.getMessage().contains("bad selector term"), e.getMessage());
        assertTrue(e.getMessage().contains("k=v") && e.getMessage().contains("k!=v") && e.getMessage().contains("!k"),
                "names the syntax: " + e.getMessage());
    }

    @Test
    void theMessageNamesTheBadTerm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelSelector.parse("tier=web,a b=c"));
        assertTrue(e.getMessage().contains("\"a b=c\""), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse("=v"));
        assertTrue(e.getMessage().contains("\"=v\""), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> LabelSelector.parse(""));
        assertTrue(e.getMessage().contains("\"\""), e.getMessage());
    }

    @Test
    void valuesAreFreeFormAsInManifests() {
        assertTrue(matches("a=b=c", Map.of("a", "b=c")));
        assertTrue(matches("owner=team a", Map.of("owner", "team a")));
        assertTrue(matches("repo!=org/app", Map.of("repo", "org/other")));
        assertFalse(matches("repo=org/app", Map.of("repo", "org/other")));
    }
}
