package dev.shimscope.syscall.args;

/** ioctl request codes seen in servers and interpreters (terminal, file, socket, block). */
public final class IoctlRequests {
    private IoctlRequests() {
    }

    public static final ValueTable REQUEST = ValueTable.maskedEnumeration(0xffffffffL,
            0x5401, "TCGETS", 0x5402, "TCSETS", 0x5403, "TCSETSW", 0x5404, "TCSETSF", 0x540b, "TCFLSH",
            0x540e, "TIOCSCTTY", 0x540f, "TIOCGPGRP", 0x5410, "TIOCSPGRP", 0x5413, "TIOCGWINSZ",
            0x5414, "TIOCSWINSZ", 0x541b, "FIONREAD", 0x5421, "FIONBIO", 0x5422, "TIOCNOTTY",
            0x5450, "FIONCLEX", 0x5451, "FIOCLEX", 0x5452, "FIOASYNC", 0x8901, "FIOSETOWN",
            0x8903, "FIOGETOWN", 0x8910, "SIOCGIFNAME", 0x8912, "SIOCGIFCONF", 0x8913, "SIOCGIFFLAGS",
            0x8915, "SIOCGIFADDR", 0x8927, "SIOCGIFHWADDR", 0x8933, "SIOCGIFINDEX", 0x894c, "SIOCGSTAMP_OLD",
            0x80081272L, "BLKGETSIZE64", 0x1260, "BLKGETSIZE", 0x5405, "TCGETA", 0x540a, "TCXONC",
            0x80045430L, "TIOCGPTN", 0x40045431L, "TIOCSPTLCK", 0xc020660bL, "FS_IOC_FIEMAP",
            0x80086601L, "FS_IOC_GETFLAGS", 0x40086602L, "FS_IOC_SETFLAGS", 0x94009409L, "BTRFS_IOC_CLONE",
            0x4020940dL, "FICLONERANGE", 0x40049409L, "FICLONE", 0x5441, "TIOCGPTPEER");
}
