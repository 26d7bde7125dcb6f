package dev.steward.control;

/**
 * The outcome of an action on one process.
 *
 * @param ok      whether the process ended where the action wanted it
 * @param state   its state when the action finished (or timed out)
 * @param message what happened, e.g. {@code started}, {@code already started}, {@code spawn error: ...}
 */
public record ActionResult(String name, String program, boolean ok, String state, String message) {
}
