package dev.steward.api;

/**
 * What an apply, delete or scale did to one program (docs/api.md, "ApplyResult").
 *
 * @param action   {@code created}, {@code configured}, {@code unchanged} or {@code deleted}
 * @param file     the manifest file written (or that would be, for a dry run)
 * @param restarts whether the change restarts the program's processes
 * @param effect   what the daemon will do about it, in words
 */
public record ApplyResultDto(String program, String action, String file, boolean restarts, String effect,
                             boolean dryRun) {
}
