package dev.shimscope.explore;

/**
 * What a compatibility layer must do about one syscall, as in Loupe's data set, plus FLAKY:
 * replicas of one experiment disagreed, so the syscall is reported as such (and treated as
 * required by the shim plan), never merged into another category.
 */
public enum Category {
    /** Neither stubbing nor faking works: implement it. */
    REQUIRED("required"),
    /** Works when it returns -ENOSYS, not when it returns 0. */
    STUB_ONLY("stub only"),
    /** Works when it returns 0, not when it returns -ENOSYS. */
    FAKE_ONLY("fake only"),
    /** Works either way. */
    BOTH("both"),
    /** Replicas disagreed. */
    FLAKY("flaky");

    private final String label;

    Category(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Classifies from the two experiments' outcomes. */
    public static Category of(Outcome stub, Outcome fake) {
        if (stub == Outcome.FLAKY || fake == Outcome.FLAKY) {
            return FLAKY;
        }
        boolean s = stub == Outcome.WORKS;
        boolean f = fake == Outcome.WORKS;
        return s && f ? BOTH : s ? STUB_ONLY : f ? FAKE_ONLY : REQUIRED;
    }

    /** The result of one experiment over its replicas. */
    public enum Outcome {
        WORKS, FAILS, FLAKY
    }
}
