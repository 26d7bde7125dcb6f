package dev.steward.supervise;

import java.util.function.Consumer;

/** Turns a slot's current spec into a running child. The production one builds argv, env and logs. */
public interface Launcher {
    /**
     * Starts the child for {@code slot}.
     *
     * @param onExit to be called once, from any thread, when the child has died
     */
    ChildProcess launch(ProcessSlot slot, Consumer<ExitStatus> onExit) throws SpawnException;
}
