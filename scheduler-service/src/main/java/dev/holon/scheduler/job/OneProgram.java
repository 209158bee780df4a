package dev.holon.scheduler.job;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;

/**
 * A job names its program exactly once: a {@code command} or a {@code script}. Reported on the field to fix, so the
 * client reads a field error: {@code command} when neither is given, {@code script} when both are or the script is
 * blank, too long or holds a NUL character (no process argument can).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = OneProgram.Check.class)
public @interface OneProgram {

    String message() default "give either command or script";

    Class<?>[] groups() default { };

    Class<? extends Payload>[] payload() default { };

    class Check implements ConstraintValidator<OneProgram, JobRequest> {
        @Override
        public boolean isValid(JobRequest job, ConstraintValidatorContext context) {
            boolean hasCommand = job.command() != null && !job.command().isEmpty();
            String script = job.script();
            String field;
            String problem;
            if (script == null) {
                field = "command";
                problem = hasCommand ? null
                        : "must name the program to run and its arguments, or give a script (a shell script) instead";
            } else {
                field = "script";
                problem = job.command() != null ? "cannot be given together with command; give one of them"
                        : script.isBlank() ? "must not be blank"
                        : script.indexOf('\0') >= 0 ? "must not contain a NUL character"
                        : script.getBytes(StandardCharsets.UTF_8).length > JobRequest.MAX_SCRIPT_BYTES
                        ? "must be at most " + JobRequest.MAX_SCRIPT_BYTES + " bytes (UTF-8), got "
                        + script.getBytes(StandardCharsets.UTF_8).length : null;
            }
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem).addPropertyNode(field).addConstraintViolation();
            return false;
        }
    }
}
