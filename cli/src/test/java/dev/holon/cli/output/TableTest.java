package dev.holon.cli.output;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TableTest {

    @Test
    void columnsArePaddedIgnoringColourCodes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Style colour = new Style(true);
        new Table("ID", "STATE", "NOTE").row("a", colour.state("UP"), "x").row("bbbb", "DOWN", "").print(
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String plain = bytes.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
        assertThat(plain).isEqualTo("ID    STATE  NOTE\na     UP     x\nbbbb  DOWN\n".replace("\n", System.lineSeparator()));
    }

    @Test
    void stylesAreEmptyWhenOff() {
        assertThat(new Style(false).state("FAILED")).isEqualTo("FAILED");
        assertThat(new Style(true).state("FAILED")).isEqualTo("\u001b[31mFAILED\u001b[0m");
    }

    @Test
    void yamlAndJsonShowTheSameObject() throws Exception {
        var node = JsonMapper.builder().build().readTree("{\"items\":[{\"id\":\"a\",\"n\":1}]}");
        assertThat(Printer.yaml(node)).isEqualTo("items:\n  - id: a\n    n: 1\n");
        assertThat(Printer.json(node)).contains("\"id\" : \"a\"");
    }

    @Test
    void unitsForPeople() {
        assertThat(Units.bytes(512)).isEqualTo("512 B");
        assertThat(Units.bytes(3L << 20)).isEqualTo("3.0 MiB");
        assertThat(Units.mib(12288)).isEqualTo("12.0 GiB");
        assertThat(Units.cores(2500)).isEqualTo("2.5");
        assertThat(Units.bar(0.5, 4)).isEqualTo("[##..]");
    }
}
