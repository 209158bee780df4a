package dev.holon.cli.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain text table: upper-case headers, columns padded to their widest cell (colour codes not counted). */
public final class Table {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell == null ? "" : cell.toString());
        }
        rows.add(row);
        return this;
    }

    public int size() {
        return rows.size();
    }

    public void print(PrintStream out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < headers.size(); i++) {
            widths[i] = headers.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size() && i < widths.length; i++) {
                widths[i] = Math.max(widths[i], Style.width(row.get(i)));
            }
        }
        line(out, headers, widths);
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        out.flush();
    }

    private static void line(PrintStream out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size() && i < widths.length; i++) {
            String cell = cells.get(i);
            line.append(cell);
            if (i < cells.size() - 1) {
                char[] pad = new char[widths[i] - Style.width(cell) + 2];
                Arrays.fill(pad, ' ');
                line.append(pad);
            }
        }
        out.println(line.toString().stripTrailing());
    }
}
