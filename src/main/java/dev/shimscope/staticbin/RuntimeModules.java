package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shared objects a program opens with {@code dlopen} rather than through DT_NEEDED, so that
 * static analysis can include them: the ones a user names ({@code --module FILE|DIR}) and the
 * presets a user would expect — Python's {@code lib-dynload} extension modules for a python
 * binary, glibc's NSS modules (the services of {@code /etc/nsswitch.conf}) for a program that
 * looks up users, groups or hosts, and glibc's gconv modules for an executable that uses iconv.
 */
public final class RuntimeModules {

    /** A module to add and why. */
    public record Module(Path path, String reason) {
    }

    /** Imports that make glibc load NSS modules. */
    static final Set<String> NSS_USERS = Set.of("getpwnam", "getpwnam_r", "getpwuid", "getpwuid_r", "getpwent",
            "getgrnam", "getgrnam_r", "getgrgid", "getgrgid_r", "getgrent", "getgrouplist", "initgroups", "getspnam",
            "getspnam_r", "getaddrinfo", "gethostbyname", "gethostbyname_r", "gethostbyname2", "gethostbyname2_r",
            "gethostbyaddr", "gethostbyaddr_r", "getnameinfo", "getservbyname", "getservbyname_r", "getservbyport",
            "getprotobyname", "getprotobynumber", "getnetgrent", "innetgr", "getlogin", "getlogin_r", "getusershell");
    /** Imports that make glibc load gconv modules. */
    static final Set<String> ICONV_USERS = Set.of("iconv_open", "iconv");

    private static final Pattern PYTHON = Pattern.compile("python(\\d+\\.\\d+)");
    private static final Path NSSWITCH = Path.of("/etc/nsswitch.conf");
    private static final List<String> LIBRARY_DIRECTORIES = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu");

    private RuntimeModules() {
    }

    /**
     * The modules named on the command line: a file is taken as it is (it must be an ELF file),
     * a directory gives every ELF shared object in it. Throws with one line naming the path.
     */
    public static List<Module> fromUser(List<Path> paths) throws IOException {
        List<Module> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                List<Path> found = sharedObjectsIn(p);
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("--module " + p + ": the directory holds no shared object (*.so*); "
                            + "give a shared library or a directory of them");
                }
                found.forEach(f -> out.add(new Module(f, "--module " + p)));
            } else if (Files.isRegularFile(p)) {
                try (ElfFile elf = ElfFile.open(p)) {
                    out.add(new Module(p, "--module"));
                }
            } else {
                throw new IllegalArgumentException("--module " + p + ": no such file or directory; "
                        + "give a shared library or a directory of them");
            }
        }
        return out;
    }

    /**
     * The presets for a program: {@code binary} is the executable, {@code imports} the symbols
     * the executable and its libraries import, {@code ownImports} those of the executable alone.
     * NSS modules follow any module's lookups (libraries such as libsasl or libkrb5 look users
     * up); gconv modules only the executable's own iconv use, because libstdc++ imports
     * iconv_open for std::codecvt, which would add glibc's 250 gconv modules to every C++ program.
     */
    public static List<Module> presets(Path binary, Set<String> imports, Set<String> ownImports) throws IOException {
        List<Module> out = new ArrayList<>();
        Path real = binary.toRealPath();
        Matcher m = PYTHON.matcher(real.getFileName().toString());
        if (m.matches()) {
            for (String root : List.of("/usr/lib", "/usr/local/lib")) {
                Path dir = Path.of(root, "python" + m.group(1), "lib-dynload");
                if (Files.isDirectory(dir)) {
                    sharedObjectsIn(dir).forEach(f -> out.add(new Module(f, "preset: " + dir + " (python extension modules)")));
                }
            }
        }
        if (imports.stream().anyMatch(NSS_USERS::contains)) {
            for (String service : nssServices()) {
                for (String dir : LIBRARY_DIRECTORIES) {
                    Path lib = Path.of(dir, "libnss_" + service + ".so.2");
                    if (Files.isRegularFile(lib)) {
                        out.add(new Module(lib, "preset: NSS service '" + service + "' of " + NSSWITCH));
                        break;
                    }
                }
            }
        }
        if (ownImports.stream().anyMatch(ICONV_USERS::contains)) {
            for (String dir : LIBRARY_DIRECTORIES) {
                Path gconv = Path.of(dir, "gconv");
                if (Files.isDirectory(gconv)) {
                    sharedObjectsIn(gconv).forEach(f -> out.add(new Module(f, "preset: " + gconv + " (iconv)")));
                    break;
                }
            }
        }
        return out;
    }

    /** The services named in /etc/nsswitch.conf, in order of first mention ('[...]' actions skipped). */
    static List<String> nssServices() throws IOException {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(NSSWITCH)) {
            out.put("files", true);
            out.put("dns", true);
            return List.copyOf(out.keySet());
        }
        for (String line : Files.readAllLines(NSSWITCH)) {
            int hash = line.indexOf('#');
            String l = hash >= 0 ? line.substring(0, hash) : line;
            int colon = l.indexOf(':');
            if (colon < 0) {
                continue;
            }
            for (String w : l.substring(colon + 1).trim().split("\\s+")) {
                if (!w.isEmpty() && !w.startsWith("[")) {
                    out.put(w, true);
                }
            }
        }
        return List.copyOf(out.keySet());
    }

    private static List<Path> sharedObjectsIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().contains(".so") && Files.isRegularFile(f)
                    && isElf(f)).sorted().toList();
        }
    }

    private static boolean isElf(Path p) {
        try (var in = Files.newInputStream(p)) {
            byte[] h = in.readNBytes(4);
            return h.length == 4 && h[0] == 0x7f && h[1] == 'E' && h[2] == 'L' && h[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }
}
