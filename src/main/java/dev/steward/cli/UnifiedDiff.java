package dev.steward.cli;

import java.util.ArrayList;
import java.util.List;

/** A line-based unified diff ({@code diff -u}), three lines of context, for manifest-sized texts. */
final class UnifiedDiff {
    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    private record Op(char kind, String line, int oldLine, int newLine) {
    }

    /** The unified diff of two texts, or an empty string when they are equal. */
    static String diff(String oldName, String oldText, String newName, String newText) {
        List<String> a = lines(oldText);
        List<String> b = lines(newText);
        List<Op> ops = script(a, b);
        if (ops.stream().allMatch(op -> op.kind == ' ')) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(oldName).append('\n');
        out.append("+++ ").append(newName).append('\n');
        int i = 0;
        while (i < ops.size()) {
            // the next change
            while (i < ops.size() && ops.get(i).kind == ' ') {
                i++;
            }
            if (i >= ops.size()) {
                break;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i; // exclusive, extended while changes are close together
            int lastChange = i;
            for (int j = i; j < ops.size(); j++) {
                if (ops.get(j).kind != ' ') {
                    lastChange = j;
                } else if (j - lastChange > 2 * CONTEXT) {
                    break;
                }
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            hunk(out, ops.subList(start, end));
            i = end;
        }
        return out.toString();
    }

    private static void hunk(StringBuilder out, List<Op> ops) {
        int oldCount = 0;
        int newCount = 0;
        int oldStart = -1;
        int newStart = -1;
        for (Op op : ops) {
            if (op.kind != '+') {
                oldCount++;
                if (oldStart < 0) {
                    oldStart = op.oldLine;
                }
            }
            if (op.kind != '-') {
                newCount++;
                if (newStart < 0) {
                    newStart = op.newLine;
                }
            }
        }
        // With no lines on a side, diff names the line before the hunk (0 at the top of the file).
        if (oldStart < 0) {
            oldStart = ops.get(0).oldLine - 1;
        }
        if (newStart < 0) {
            newStart = ops.get(0).newLine - 1;
        }
        out.append("@@ -").append(range(oldStart, oldCount)).append(" +").append(range(newStart, newCount)).append(" @@\n");
        for (Op op : ops) {
            out.append(op.kind).append(op.line).append('\n');
        }
    }

    private static String range(int start, int count) {
        return count == 1 ? String.valueOf(start) : start + "," + count;
    }

    /** Longest-common-subsequence edit script; each op carries the 1-based line numbers it sits at. */
    private static List<Op> script(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<Op> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(new Op(' ', a.get(i), i + 1, j + 1));
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j])) {
                ops.add(new Op('+', b.get(j), i + 1, j + 1));
                j++;
            } else {
                ops.add(new Op('-', a.get(i), i + 1, j + 1));
                i++;
            }
        }
        return ops;
    }

    private static List<String> lines(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return List.of(t.split("\n", -1));
    }
}
