package dev.holon.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Prints a result in the chosen format: JSON and YAML show the API's object as it came (scripts read them), a
 * table is drawn by the command from the same object.
 */
public final class Printer {

    private static final ObjectMapper JSON = JsonMapper.builder().build().enable(SerializationFeature.INDENT_OUTPUT);

    private final OutputFormat format;
    private final PrintStream out;
    private final Style style;

    public Printer(OutputFormat format, PrintStream out, Style style) {
        this.format = format;
        this.out = out;
        this.style = style;
    }

    public OutputFormat format() {
        return format;
    }

    public Style style() {
        return style;
    }

    public PrintStream out() {
        return out;
    }

    public boolean table() {
        return format == OutputFormat.table;
    }

    /** JSON/YAML: the node itself; table: whatever {@code table} draws. */
    public void print(JsonNode node, Consumer<PrintStream> table) {
        switch (format) {
            case json -> out.println(json(node));
            case yaml -> out.print(yaml(node));
            case table -> table.accept(out);
        }
        out.flush();
    }

    public static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String yaml(JsonNode node) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        Object plain = JSON.convertValue(node, Object.class);
        return new Yaml(options).dump(plain);
    }
}
