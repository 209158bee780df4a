package dev.holon.contracts;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

/** Opaque, time-ordered identifiers (UUIDv7): sortable by creation, never a host name or a sequence. */
public final class Ids {

    private static final TimeBasedEpochGenerator UUID_V7 = Generators.timeBasedEpochGenerator();

    private Ids() {
    }

    public static String newId() {
        return UUID_V7.generate().toString();
    }
}
