package dev.steward.control;

/**
 * The outcome of an action on one process.
 *
 * @param ok      whether the process ended where the action wanted it
 * @param state   its state when the action finished (or timed out)
 * @param message what happened, e.g. {@code started}, {@code already started}, {@code spawn error: ...}
 * @param timedOut the action's time ran out while the process was on its way (still starting or stopping), or before
 *                 its turn in a restart came: it may still get there
 */
public record ActionResult(String name, String program, boolean ok, String state, String message, boolean timedOut) {
}
