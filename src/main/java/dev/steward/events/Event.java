package dev.steward.events;

import dev.steward.manifest.ManifestError;
import dev.steward.supervise.StateChange;

import java.nio.file.Path;
import java.util.List;

/** Everything the supervisor reports: one sealed family so every consumer handles every kind. */
public sealed interface Event {

    /** A process moved between states (or, with from == to, something notable happened in one). */
    record ProcessStateChanged(StateChange change) implements Event {
        @Override
        public String toString() {
            return change.toString();
        }
    }

    /**
     * A program appeared in the manifest directory. {@code waiting}: a removed program of the same name still
     * stops, and this one starts once its processes are gone.
     */
    record ProgramAdded(String program, Path source, boolean waiting) implements Event {
        public ProgramAdded(String program, Path source) {
            this(program, source, false);
        }

        /** What the log and the history say after the program's name. */
        public String detail() {
            return "added from " + source + (waiting ? "; starts once the processes of the removed " + program
                    + " have stopped" : "");
        }

        @Override
        public String toString() {
            return "program/" + program + " " + detail();
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

    /**
     * A manifest file was rejected, and {@link Meanwhile what runs from it}: the programs it had keep their last good
     * spec; so do those a new file took over from a file renamed away in the same scan. A file that never had a good
     * version (at the daemon's start, or a new file otherwise) runs nothing until it is fixed.
     */
    record ManifestInvalid(ManifestError error, Meanwhile meanwhile) implements Event {
        /** What runs from the file until it is fixed. */
        public enum Meanwhile {
            LAST_GOOD_VERSION("the last good version stays in force"),
            /** It took over the programs of a file renamed and broken in one scan: it never had a good version. */
            TAKEN_OVER("the programs it took over keep running as they were"),
            NOTHING("nothing from this file runs until it is fixed");

            private final String words;

            Meanwhile(String words) {
                this.words = words;
            }
        }

        @Override
        public String toString() {
            return "invalid manifest " + detail();
        }

        /** The error, and what runs meanwhile. */
        public String detail() {
            return error + " (" + meanwhile.words + ")";
        }
    }

    /** A previously rejected manifest file is valid again, or ({@code removed}) was deleted. */
    record ManifestRecovered(Path file, boolean removed) implements Event {
        @Override
        public String toString() {
            return removed ? "manifest " + file + " was removed, and its errors with it" : "manifest " + file + " has no errors any more";
        }
    }

    /**
     * At the daemon's start, a process of this name that the previous daemon left running when it ended without
     * stopping its programs was stopped, so that its program does not run twice, or ({@code stopped} false) is still
     * there even after SIGKILL.
     */
    record LeftoverProcess(String process, String detail, boolean stopped) implements Event {
        @Override
        public String toString() {
            return process + ": " + detail;
        }
    }

    /**
     * An operator asked for something through the API or the CLI: {@code objects} are what one request named
     * ({@code process/web-0}, {@code program/web}), {@code reason} a CamelCase word such as {@code OperatorStop}
     * or {@code Scaled}. The history records it on each object; the log gives it one line.
     */
    record OperatorAction(List<String> objects, String reason, String message) implements Event {
        private static final int NAMED_IN_LOG = 3;

        public OperatorAction {
            if (objects.isEmpty()) {
                throw new IllegalArgumentException("an operator action names at least one object");
            }
            objects = List.copyOf(objects);
        }

        public OperatorAction(String object, String reason, String message) {
            this(List.of(object), reason, message);
        }

        @Override
        public String toString() {
            String named = String.join(", ", objects.subList(0, Math.min(objects.size(), NAMED_IN_LOG)));
            int more = objects.size() - NAMED_IN_LOG;
            return (more > 0 ? named + " and " + more + " more" : named) + ": " + message;
        }
    }
}
