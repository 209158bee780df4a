package dev.holon.contracts;

import java.util.List;

/** One page of a list: {@code nextCursor} is opaque and absent on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
}
