package dev.steward.api;

import dev.steward.control.ActionResult;
import java.util.List;

/**
 * The result of an action on processes.
 *
 * @param ok true when every process ended where the action wanted it (the CLI exits 1 otherwise)
 */
public record ActionResponse(List<ActionResult> items, boolean ok) {
    static ActionResponse of(List<ActionResult> items) {
        return new ActionResponse(List.copyOf(items), items.stream().allMatch(ActionResult::ok));
    }
}
