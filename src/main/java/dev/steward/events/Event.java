package dev.steward.events;

import dev.steward.manifest.ManifestError;
import dev.steward.supervise.StateChange;

import java.nio.file.Path;

/** Everything the supervisor reports: one sealed family so every consumer handles every kind. */
public sealed interface Event {

    /** A process moved between states (or, with from == to, something notable happened in one). */
    record ProcessStateChanged(StateChange change) implements Event {
        @Override
        public String toString() {
            return change.toString();
        }
    }

    /** A program appeared in the manifest directory. */
    record ProgramAdded(String program, Path source) implements Event {
        @Override
        public String toString() {
            return "program/" + program + " added from " + source;
        }
    }

    /** A program's manifest changed; {@code effect} says what that does to its processes. */
    record ProgramChanged(String program, String effect) implements Event {
        @Override
        public String toString() {
            return "program/" + program + " changed: " + effect;
        }
    }

    /** A program's manifest is gone: its processes stop and it is forgotten. */
    record ProgramRemoved(String program) implements Event {
        @Override
        public String toString() {
            return "program/" + program + " removed: stopping its processes";
        }
    }

    /** A manifest file was rejected; the programs it had keep their last good spec. */
    record ManifestInvalid(ManifestError error) implements Event {
        @Override
        public String toString() {
            return "invalid manifest " + error + " (the last good version stays in force)";
        }
    }

    /** A previously rejected manifest file is valid again (or was deleted). */
    record ManifestRecovered(Path file) implements Event {
        @Override
        public String toString() {
            return "manifest " + file + " has no errors any more";
        }
    }

    /**
     * An operator asked for something through the API or the CLI: {@code object} is {@code process/web-0} or
     * {@code program/web}, {@code reason} a CamelCase word such as {@code OperatorStop} or {@code Scaled}.
     */
    record OperatorAction(String object, String reason, String message) implements Event {
        @Override
        public String toString() {
            return object + ": " + message;
        }
    }
}
