package dev.holon.scheduler.placement;

/**
 * What the tasks of one array share within a session: the request (index aside), the job's visit order and where it
 * stands, the class-cached constraint verdicts, the job's in-plan node counts, the candidate limit, and, once no
 * node could take one of them, the reason (nothing frees up within a plan, so the rest of the array is pending too).
 */
final class RequestShape {

    final TaskRequest template;
    final VisitOrder order;
    final ClassEligibility eligibility;
    final NodeCounter jobCounter;
    final int limit;
    final boolean locality;
    PendingReason pending;

    RequestShape(TaskRequest template, VisitOrder order, ClassEligibility eligibility, NodeCounter jobCounter,
                 int limit, boolean locality) {
        this.template = template;
        this.order = order;
        this.eligibility = eligibility;
        this.jobCounter = jobCounter;
        this.limit = limit;
        this.locality = locality;
    }
}
