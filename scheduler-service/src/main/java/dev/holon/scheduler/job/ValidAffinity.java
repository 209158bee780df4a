package dev.holon.scheduler.job;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An affinity's weight is -100..100 and not 0 (a zero weight would prefer nothing), reported on {@code weight};
 * its {@code match} is checked by {@link LabelExpression}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidAffinity.Check.class)
public @interface ValidAffinity {

    String message() default "must be between -100 and 100 and not 0";

    Class<?>[] groups() default { };

    Class<? extends Payload>[] payload() default { };

    class Check implements ConstraintValidator<ValidAffinity, JobRequest.Affinity> {
        @Override
        public boolean isValid(JobRequest.Affinity affinity, ConstraintValidatorContext context) {
            Integer weight = affinity.weight();
            if (weight == null || (weight != 0 && weight >= -100 && weight <= 100)) {
                return true; // a missing weight is @NotNull's business
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                    .addPropertyNode("weight").addConstraintViolation();
            return false;
        }
    }
}
