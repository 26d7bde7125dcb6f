package dev.steward.manifest;

/** When a process that reached RUNNING is started again after it exits (Supervisor's {@code autorestart}). */
public enum RestartPolicy {
    /** autorestart=true: always. */
    Always,
    /** autorestart=unexpected: only when the exit code is not in {@code exitCodes}. */
    OnFailure,
    /** autorestart=false: never. */
    Never
}
