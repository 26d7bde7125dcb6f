package dev.steward.supervise;

/** Starts children. Injected so the state machine can be tested without processes. */
public interface Spawner {
    ChildProcess spawn(SpawnRequest request) throws SpawnException;
}
