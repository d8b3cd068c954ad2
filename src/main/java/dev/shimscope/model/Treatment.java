package dev.shimscope.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What is done with one syscall (or, below it, one argument value): implement it (the real
 * kernel answers), stub it (skip it and return {@code -errno}, ENOSYS by default: what an OS
 * answers for a syscall it does not know) or fake it (skip it and return 0, success without
 * doing anything). An experiment applies one treatment to one syscall; a
 * {@link ShimConfiguration} gives every syscall one; a verdict says which treatments work.
 */
public sealed interface Treatment {

    /** errno of a stub unless said otherwise. */
    int ENOSYS = 38;

    /** The three kinds, for sets of what works and for options. */
    enum Kind {
        IMPLEMENT, STUB, FAKE;

        /** {@code implement}, {@code stub}, {@code fake}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    Kind kind();

    /** {@code implement}, {@code stub}, {@code fake}; a stub with another errno is {@code stub(N)}. */
    @JsonValue
    String id();

    /** The real call. */
    record Implement() implements Treatment {
        public Kind kind() {
            return Kind.IMPLEMENT;
        }

        public String id() {
            return "implement";
        }
    }

    /** Skip the call; return {@code -errno}. */
    record Stub(int errno) implements Treatment {
        public Stub {
            if (errno < 1 || errno > 4095) {
                throw new IllegalArgumentException("a stub's errno must be 1..4095, not " + errno);
            }
        }

        public Kind kind() {
            return Kind.STUB;
        }

        public String id() {
            return errno == ENOSYS ? "stub" : "stub(" + errno + ")";
        }
    }

    /**
     * Skip the call; return 0. (Other return values cannot be given by a seccomp filter, which
     * returns errors only; the type leaves room for a shim that can.)
     */
    record Fake() implements Treatment {
        public Kind kind() {
            return Kind.FAKE;
        }

        public String id() {
            return "fake";
        }
    }

    Treatment IMPLEMENT = new Implement();
    Treatment STUB = new Stub(ENOSYS);
    Treatment FAKE = new Fake();

    /** The treatment of a kind with its default values (ENOSYS for a stub). */
    static Treatment of(Kind kind) {
        return switch (kind) {
            case IMPLEMENT -> IMPLEMENT;
            case STUB -> STUB;
            case FAKE -> FAKE;
        };
    }

    /** Reads {@link #id()}: {@code implement}, {@code stub}, {@code stub(1)}, {@code fake}. */
    @JsonCreator
    static Treatment parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "implement", "allow" -> {
                return IMPLEMENT;
            }
            case "stub" -> {
                return STUB;
            }
            case "fake" -> {
                return FAKE;
            }
            default -> {
                if (t.matches("stub\\(\\d{1,4}\\)")) {
                    return new Stub(Integer.parseInt(t.substring(5, t.length() - 1)));
                }
                throw new IllegalArgumentException("unknown treatment '" + text + "' (implement, stub, stub(ERRNO) or fake)");
            }
        }
    }
}
