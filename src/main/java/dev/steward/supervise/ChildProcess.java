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

    /**
     * Whether its process group still has a process (itself, or one it left behind), whether or not the daemon may
     * signal it: {@code kill(-pgid, 0)}. The group's number is given to no other process while one of its members lives.
     */
    default boolean groupAlive() {
        return signal(0, true);
    }

    /**
     * Whether its process group has a process the daemon may signal ({@code kill(-pgid, 0)} succeeds): false for a group
     * whose members all run as another user now (EPERM), though {@link #groupAlive()}.
     */
    default boolean groupReachable() {
        return signal(0, true);
    }
}
