package dev.holon.scheduler.job;

import dev.holon.scheduler.placement.LabelConstraint;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A label condition as placement reads it ({@link LabelConstraint#parse}): {@code key=value}, {@code key!=value},
 * {@code key in (a,b)}.
 */
@Target({ElementType.FIELD, ElementType.TYPE_USE, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = LabelExpression.Check.class)
public @interface LabelExpression {

    String message() default "must look like key=value, key!=value or key in (a,b)";

    Class<?>[] groups() default { };

    Class<? extends Payload>[] payload() default { };

    class Check implements ConstraintValidator<LabelExpression, String> {
        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            if (text == null || text.isBlank()) {
                return true; // @NotBlank's business
            }
            try {
                LabelConstraint.parse(text);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
