package dev.holon.gateway.problem;

import dev.holon.contracts.problem.ProblemType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemPagesTest {

    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void everyProblemTypeHasAPageAtItsUri(ProblemType type) {
        assertThat(ProblemPages.find(type.uri())).contains(type);

        String html = ProblemPages.html(type);

        assertThat(html).contains("<h1>" + type.title() + "</h1>").contains(type.uri())
                .contains(Integer.toString(type.status()));
    }

    @Test
    void unknownKindsHaveNoPage() {
        assertThat(ProblemPages.find("/problems/nonsense")).isEmpty();
    }
}
