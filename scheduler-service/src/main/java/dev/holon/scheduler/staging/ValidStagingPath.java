package dev.holon.scheduler.staging;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A job's input or output path follows {@link StagingPath}'s rule; the message says what is wrong. */
@Target({ElementType.FIELD, ElementType.TYPE_USE, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidStagingPath.Check.class)
public @interface ValidStagingPath {

    String message() default "must be a path of your tenant such as /data/in.csv";

    Class<?>[] groups() default { };

    Class<? extends Payload>[] payload() default { };

    class Check implements ConstraintValidator<ValidStagingPath, String> {
        @Override
        public boolean isValid(String path, ConstraintValidatorContext context) {
            if (path == null) {
                return true;
            }
            String problem = StagingPath.problem(path);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem.replace("{", "\\{").replace("$", "\\$"))
                    .addConstraintViolation();
            return false;
        }
    }
}
