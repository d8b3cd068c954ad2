package dev.shimscope.syscall.args;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which argument of a multiplexed syscall says what the call does, and how to name its value:
 * ioctl's request, fcntl's command, prctl's option, futex's operation, the socket family and
 * so on. The tracer records these so that a shim writer sees not just "ioctl" but "ioctl
 * TCGETS and FIONBIO". Input is strace's raw argument text ({@code -X raw}).
 */
public final class ArgumentDecoders {

    private ArgumentDecoders() {
    }

    /** One decoded argument: a label ("request", "cmd") and the symbolic value. */
    public record Decoded(String label, String value) {
    }

    /**
     * One selecting argument: its label, position, how to name a value, and (for exploring values
     * one by one) the table whose bits or masked values a filter matches; null where the value
     * cannot be matched by a filter or is not worth exploring alone.
     */
    private record Arg(String label, int index, Function<Long, String> decode, ValueTable table) {
        Arg(String label, int index, Function<Long, String> decode) {
            this(label, index, decode, null);
        }
    }

    private static Arg arg(String label, int index, ValueTable table) {
        return new Arg(label, index, table::decode, table);
    }

    private static final Map<String, List<Arg>> BY_SYSCALL = Map.ofEntries(
            Map.entry("ioctl", List.of(arg("request", 1, IoctlRequests.REQUEST))),
            Map.entry("fcntl", List.of(arg("cmd", 1, FcntlCommands.COMMAND))),
            Map.entry("prctl", List.of(arg("option", 0, ProcessControl.PRCTL_OPTION))),
            Map.entry("arch_prctl", List.of(arg("code", 0, ProcessControl.ARCH_PRCTL_CODE))),
            Map.entry("futex", List.of(new Arg("op", 1, FutexOps::decode, FutexOps.COMMAND))),
            Map.entry("socket", List.of(arg("domain", 0, SocketArgs.DOMAIN), new Arg("type", 1, SocketArgs::type, SocketArgs.TYPE))),
            Map.entry("socketpair", List.of(arg("domain", 0, SocketArgs.DOMAIN), new Arg("type", 1, SocketArgs::type, SocketArgs.TYPE))),
            Map.entry("madvise", List.of(arg("advice", 2, MemoryArgs.MADVISE))),
            Map.entry("mmap", List.of(arg("prot", 2, MemoryArgs.PROT), arg("flags", 3, MemoryArgs.MAP_FLAGS))),
            Map.entry("mprotect", List.of(arg("prot", 2, MemoryArgs.PROT))),
            Map.entry("clone", List.of(arg("flags", 0, ProcessControl.CLONE_FLAGS))),
            // clone3's flags live in a struct in memory, which a seccomp filter cannot read: named only
            Map.entry("clone3", List.of(new Arg("flags", 0, ProcessControl.CLONE_FLAGS::decode))),
            Map.entry("rt_sigaction", List.of(arg("signal", 0, SignalsAndClocks.SIGNAL))),
            Map.entry("kill", List.of(arg("signal", 1, SignalsAndClocks.SIGNAL))),
            Map.entry("tgkill", List.of(arg("signal", 2, SignalsAndClocks.SIGNAL))),
            Map.entry("prlimit64", List.of(arg("resource", 1, ProcessControl.RLIMIT_RESOURCE))),
            Map.entry("getrlimit", List.of(arg("resource", 0, ProcessControl.RLIMIT_RESOURCE))),
            Map.entry("setrlimit", List.of(arg("resource", 0, ProcessControl.RLIMIT_RESOURCE))),
            Map.entry("clock_gettime", List.of(arg("clock", 0, SignalsAndClocks.CLOCK))),
            Map.entry("clock_getres", List.of(arg("clock", 0, SignalsAndClocks.CLOCK))),
            Map.entry("clock_nanosleep", List.of(arg("clock", 0, SignalsAndClocks.CLOCK))),
            Map.entry("timer_create", List.of(arg("clock", 0, SignalsAndClocks.CLOCK))),
            Map.entry("timerfd_create", List.of(arg("clock", 0, SignalsAndClocks.CLOCK))));

    private static final Pattern STRUCT_FLAGS = Pattern.compile("^\\{flags=([^,}]+)");

    /** True if the syscall has arguments worth recording. */
    public static boolean isMultiplexed(String syscall) {
        return BY_SYSCALL.containsKey(syscall) || syscall.equals("setsockopt") || syscall.equals("getsockopt");
    }

    /** Decodes the interesting arguments of one call; arguments that are missing or not numbers are skipped. */
    public static List<Decoded> decode(String syscall, List<String> args) {
        List<Decoded> out = new ArrayList<>(2);
        if (syscall.equals("setsockopt") || syscall.equals("getsockopt")) {
            Long level = number(args, 1);
            Long name = number(args, 2);
            if (level != null && name != null) {
                out.add(new Decoded("option", SocketArgs.option(level, name)));
            }
            return out;
        }
        List<Arg> specs = BY_SYSCALL.get(syscall);
        if (specs == null) {
            return out;
        }
        for (Arg a : specs) {
            Long v = number(args, a.index());
            if (v != null) {
                out.add(new Decoded(a.label(), a.decode().apply(v)));
            }
        }
        return out;
    }

    /**
     * The selecting argument values of one call as a filter can match them, one per value (an
     * enumeration) or per bit (a flag set); empty for a syscall whose values are not explored.
     */
    public static List<ArgumentValue> values(String syscall, List<String> args) {
        List<ArgumentValue> out = new ArrayList<>(2);
        if (syscall.equals("setsockopt") || syscall.equals("getsockopt")) {
            Long level = number(args, 1);
            Long name = number(args, 2);
            if (level != null && name != null) {
                out.add(new ArgumentValue("option", SocketArgs.option(level, name), false, List.of(
                        new ArgumentValue.Match(1, 0xffffffffL, level & 0xffffffffL),
                        new ArgumentValue.Match(2, 0xffffffffL, name & 0xffffffffL))));
            }
            return out;
        }
        List<Arg> specs = BY_SYSCALL.get(syscall);
        if (specs == null) {
            return out;
        }
        for (Arg a : specs) {
            Long v = number(args, a.index());
            if (v == null || a.table() == null) {
                continue;
            }
            ValueTable t = a.table();
            if (t.isFlags()) {
                for (Map.Entry<Long, String> bit : t.bits(v)) {
                    out.add(new ArgumentValue(a.label(), bit.getValue(), true,
                            List.of(new ArgumentValue.Match(a.index(), bit.getKey(), bit.getKey()))));
                }
            } else {
                // int arguments: the kernel reads 32 bits, the upper half of the register may be anything
                long mask = t.mask() & 0xffffffffL;
                out.add(new ArgumentValue(a.label(), t.decode(v & mask), false,
                        List.of(new ArgumentValue.Match(a.index(), mask, v & mask))));
            }
        }
        return out;
    }

    /** The table that names the values of {@code syscall}'s argument {@code label}, if values can be named. */
    public static java.util.Optional<ArgumentValue> parse(String syscall, String label, String name) {
        List<Arg> specs = BY_SYSCALL.get(syscall);
        if (specs == null) {
            return java.util.Optional.empty();
        }
        for (Arg a : specs) {
            if (a.label().equals(label) && a.table() != null) {
                java.util.OptionalLong v = a.table().valueOf(name);
                if (v.isPresent()) {
                    long mask = a.table().isFlags() ? v.getAsLong() : a.table().mask() & 0xffffffffL;
                    return java.util.Optional.of(new ArgumentValue(label, name, a.table().isFlags(),
                            List.of(new ArgumentValue.Match(a.index(), mask, v.getAsLong()))));
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** The label of the first selecting argument of {@code syscall} whose values can be named, if any. */
    public static java.util.Optional<String> firstLabel(String syscall) {
        List<Arg> specs = BY_SYSCALL.get(syscall);
        return specs == null ? java.util.Optional.empty()
                : specs.stream().filter(a -> a.table() != null).map(Arg::label).findFirst();
    }

    /** Parses strace's raw number forms: decimal, negative decimal, 0x hex, or a struct's leading flags. */
    static Long number(List<String> args, int index) {
        if (index >= args.size()) {
            return null;
        }
        String s = args.get(index).trim();
        Matcher m = STRUCT_FLAGS.matcher(s);
        if (m.find()) {
            s = m.group(1).trim();
        }
        int space = s.indexOf(' ');
        if (space > 0) {
            s = s.substring(0, space); // "0x3 /* comment */"
        }
        try {
            if (s.startsWith("0x")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
