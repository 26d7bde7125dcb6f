package dev.steward.health;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;
import java.util.Set;

/** Health and metrics read {@link FakeControl}; the real daemon runs on an empty manifest directory of its own. */
public class FakeControlProfile implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(FakeControl.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("steward.manifests", "target/health-test/manifests",
                "steward.state-dir", "target/health-test/state");
    }
}
