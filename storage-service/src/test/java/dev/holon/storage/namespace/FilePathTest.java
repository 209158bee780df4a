package dev.holon.storage.namespace;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilePathTest {

    @Test
    void parsesATenantAndItsSegments() {
        FilePath path = FilePath.parse("/acme/data/2026/x.csv");
        assertThat(path.tenant()).isEqualTo("acme");
        assertThat(path.path()).isEqualTo("/acme/data/2026/x.csv");
        assertThat(path.parent().path()).isEqualTo("/acme/data/2026");
        assertThat(path.ancestors()).extracting(FilePath::path).containsExactly("/acme/data", "/acme/data/2026");
        assertThat(FilePath.parse("/acme").isRoot()).isTrue();
        assertThat(FilePath.parse("/acme/dir/").path()).isEqualTo("/acme/dir");
    }

    @Test
    void refusesWhatCouldEscapeOrHide() {
        for (String bad : List.of("/acme/../other", "/acme/./x", "/acme//x", "acme/x", "/", "/acme/a\u0000b",
                "/acme/a\nb", "/..", "/acme/" + "x".repeat(256), "/acme/a\\..\\b")) {
            assertThatThrownBy(() -> FilePath.parse(bad)).as(bad).isInstanceOf(FilePath.InvalidPath.class);
        }
    }

    @Provide
    Arbitrary<String> segments() {
        return Arbitraries.strings().withCharRange('\u0000', '\u007f').withChars("./\\é").ofMinLength(0).ofMaxLength(6);
    }

    @Property
    void aValidPathNeverLeavesItsTenant(@ForAll("segments") String a, @ForAll("segments") String b) {
        try {
            FilePath path = FilePath.of(List.of("acme", a, b));
            assertThat(path.tenant()).isEqualTo("acme");
            assertThat(path.segments()).noneMatch(s -> s.equals("..") || s.equals(".") || s.isEmpty() || s.contains("/"));
            assertThat(FilePath.parse(path.path())).isEqualTo(path);
        } catch (FilePath.InvalidPath expected) {
            // refused: fine
        }
    }
}
