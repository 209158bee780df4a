package dev.holon.scheduler.job;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

/** A command's first element is the program to run, so it must not be blank (an empty list is @NotEmpty's business). */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = NamesAProgram.Check.class)
public @interface NamesAProgram {

    String message() default "must start with the program to run, not a blank string";

    Class<?>[] groups() default { };

    Class<? extends Payload>[] payload() default { };

    class Check implements ConstraintValidator<NamesAProgram, List<String>> {
        @Override
        public boolean isValid(List<String> command, ConstraintValidatorContext context) {
            return command == null || command.isEmpty() || (command.getFirst() != null && !command.getFirst().isBlank());
        }
    }
}
