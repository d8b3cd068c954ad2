package dev.shimscope.syscall.args;

/** Socket domains, types and socket option levels and names. */
public final class SocketArgs {
    private SocketArgs() {
    }

    public static final ValueTable DOMAIN = ValueTable.enumeration(
            0, "AF_UNSPEC", 1, "AF_UNIX", 2, "AF_INET", 10, "AF_INET6", 16, "AF_NETLINK", 17, "AF_PACKET",
            38, "AF_ALG", 40, "AF_VSOCK");

    /** The low bits are the type; SOCK_NONBLOCK and SOCK_CLOEXEC are flags on top. */
    /** The socket type without its SOCK_NONBLOCK and SOCK_CLOEXEC bits. */
    static final ValueTable TYPE = ValueTable.maskedEnumeration(0xf,
            1, "SOCK_STREAM", 2, "SOCK_DGRAM", 3, "SOCK_RAW", 4, "SOCK_RDM", 5, "SOCK_SEQPACKET",
            10, "SOCK_PACKET");

    public static String type(long value) {
        StringBuilder sb = new StringBuilder(TYPE.decode(value));
        if ((value & 0x800) != 0) {
            sb.append("|SOCK_NONBLOCK");
        }
        if ((value & 0x80000) != 0) {
            sb.append("|SOCK_CLOEXEC");
        }
        return sb.toString();
    }

    public static final ValueTable LEVEL = ValueTable.enumeration(
            0, "SOL_IP", 1, "SOL_SOCKET", 6, "SOL_TCP", 17, "SOL_UDP", 41, "SOL_IPV6", 263, "SOL_ALG");

    private static final ValueTable SOL_SOCKET_NAMES = ValueTable.enumeration(
            1, "SO_DEBUG", 2, "SO_REUSEADDR", 3, "SO_TYPE", 4, "SO_ERROR", 5, "SO_DONTROUTE",
            6, "SO_BROADCAST", 7, "SO_SNDBUF", 8, "SO_RCVBUF", 9, "SO_KEEPALIVE", 10, "SO_OOBINLINE",
            13, "SO_LINGER", 15, "SO_REUSEPORT", 16, "SO_PASSCRED", 17, "SO_PEERCRED", 18, "SO_RCVLOWAT",
            20, "SO_RCVTIMEO_OLD", 21, "SO_SNDTIMEO_OLD", 25, "SO_BINDTODEVICE", 30, "SO_ACCEPTCONN",
            32, "SO_SNDBUFFORCE", 33, "SO_RCVBUFFORCE", 36, "SO_MARK", 38, "SO_PROTOCOL", 39, "SO_DOMAIN",
            46, "SO_BUSY_POLL", 47, "SO_INCOMING_CPU", 62, "SO_ZEROCOPY");
    private static final ValueTable SOL_TCP_NAMES = ValueTable.enumeration(
            1, "TCP_NODELAY", 2, "TCP_MAXSEG", 3, "TCP_CORK", 4, "TCP_KEEPIDLE", 5, "TCP_KEEPINTVL",
            6, "TCP_KEEPCNT", 9, "TCP_DEFER_ACCEPT", 11, "TCP_INFO", 12, "TCP_QUICKACK",
            13, "TCP_CONGESTION", 18, "TCP_USER_TIMEOUT", 23, "TCP_FASTOPEN", 25, "TCP_NOTSENT_LOWAT");
    private static final ValueTable SOL_IP_NAMES = ValueTable.enumeration(
            1, "IP_TOS", 2, "IP_TTL", 8, "IP_PKTINFO", 10, "IP_MTU_DISCOVER", 15, "IP_FREEBIND",
            19, "IP_TRANSPARENT", 24, "IP_BIND_ADDRESS_NO_PORT");
    private static final ValueTable SOL_IPV6_NAMES = ValueTable.enumeration(
            26, "IPV6_V6ONLY", 49, "IPV6_RECVPKTINFO", 67, "IPV6_TCLASS");

    public static String option(long level, long name) {
        ValueTable names = switch ((int) level) {
            case 1 -> SOL_SOCKET_NAMES;
            case 6 -> SOL_TCP_NAMES;
            case 0 -> SOL_IP_NAMES;
            case 41 -> SOL_IPV6_NAMES;
            default -> null;
        };
        return LEVEL.decode(level) + ":" + (names != null ? names.decode(name) : "0x" + Long.toHexString(name));
    }
}
