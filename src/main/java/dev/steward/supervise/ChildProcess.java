package dev.steward.supervise;

/** A started child. Each child leads its own process group (pgid = pid). */
public interface ChildProcess {
    int pid();

    /**
     * Sends {@code signal} to the child, or to its whole process group.
     *
     * @return false when the process (group) no longer exists
     */
    boolean signal(int signal, boolean toGroup);
}
