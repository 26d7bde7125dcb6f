package dev.steward.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A kubectl-style table: columns left-aligned, three spaces apart, the last one unpadded. In watch
 * mode the widths found for the first rows are kept (and only grow) so new rows line up.
 */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private int[] widths;
    private int printed;

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(String... cells) {
        return row(Arrays.asList(cells)); // not List.of, which refuses the null cells row() shows empty
    }

    public Table row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + header.size());
        }
        // Loops rather than a stream or lambda on the client's common paths (get, status, start, stop): the
        // first lambda a client call links sets up the JDK's lambda machinery, 2-4 ms of a 50 ms call.
        List<String> row = new ArrayList<>(cells.size());
        for (String cell : cells) {
            row.add(cell == null ? "" : cell);
        }
        rows.add(row);
        return this;
    }

    /** Columns at least this wide (the first ones; for watch mode, where widths are fixed early). */
    public Table minWidths(int... minimum) {
        int[] w = widths == null ? new int[header.size()] : widths;
        for (int i = 0; i < Math.min(minimum.length, w.length); i++) {
            w[i] = Math.max(w[i], minimum[i]);
        }
        widths = w;
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Header and rows, each line ending in a newline. */
    public String render() {
        return render(true);
    }

    public String render(boolean withHeader) {
        measure(withHeader, 0);
        StringBuilder out = new StringBuilder();
        if (withHeader) {
            line(out, header);
        }
        for (List<String> row : rows) {
            line(out, row);
        }
        printed = rows.size();
        return out.toString();
    }

    /** The rows added since the last render, padded like the earlier ones (for {@code -w}). */
    public String renderMore() {
        measure(widths == null, printed);
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows.subList(printed, rows.size())) {
            line(out, row);
        }
        printed = rows.size();
        return out.toString();
    }

    private void measure(boolean withHeader, int from) {
        int[] w = widths == null ? new int[header.size()] : widths;
        if (withHeader) {
            for (int i = 0; i < header.size(); i++) {
                w[i] = Math.max(w[i], header.get(i).length());
            }
        }
        for (List<String> row : rows.subList(from, rows.size())) {
            for (int i = 0; i < row.size(); i++) {
                w[i] = Math.max(w[i], row.get(i).length());
            }
        }
        widths = w;
    }

    private void line(StringBuilder out, List<String> cells) {
        int start = out.length();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            out.append(cell);
            if (i < cells.size() - 1) {
                int pad = Math.max(widths[i] + 3, 6) - cell.length();
                out.append(" ".repeat(pad));
            }
        }
        // no trailing spaces when the last cells are empty
        int end = out.length();
        while (end > start && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
        out.append('\n');
    }
}
