package dev.shimscope.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.ToolVersion;
import dev.shimscope.model.Json;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.workload.WorkloadKind;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A results store: a directory in Loupe's layout
 * ({@code APP/{benchmark|suite}-WORKLOAD/ID/data/{dyn,static_binary,static_sources}.csv}) with
 * each run's full {@link Profile} beside the CSVs in {@code ID/shimscope.json}, versioned with
 * git (one commit per stored result or import, whose message names app, workload and tool
 * version).
 *
 * <p>Writes are atomic: a run directory is written completely under {@code .tmp/}, flushed to
 * disk, renamed into place, then committed; writers hold {@link StoreLock}. A crash therefore
 * leaves either nothing, a leftover under {@code .tmp/} (deleted by the next writer), or a complete
 * run not yet committed (committed by the next writer). Readers take no lock and only count run
 * directories with a valid {@code shimscope.json}, so they never see half a result. Two runs of
 * one workload are both kept; {@link StoreSnapshot#latestByApp()} picks the newest by
 * {@link Profile#NEWEST_FIRST}.
 */
public final class ResultStore {

    /** Environment variable naming the default store directory. */
    public static final String ENV_DB = "SHIMSCOPE_DB";

    /** Marker file at the root of every store. */
    public static final String MARKER = "shimscope-store.json";

    static final String TMP_DIR = ".tmp";

    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;

    private ResultStore(Path dir) {
        this.dir = dir;
    }

    /** The default store: {@code $SHIMSCOPE_DB}, else {@code $XDG_DATA_HOME/shimscope/db}, else {@code ~/.local/share/shimscope/db}. */
    public static Path defaultDir() {
        return defaultDir(System.getenv(), System.getProperty("user.home"));
    }

    static Path defaultDir(Map<String, String> env, String home) {
        String db = env.get(ENV_DB);
        if (db != null && !db.isBlank()) {
            return Path.of(db);
        }
        String xdg = env.get("XDG_DATA_HOME");
        // the XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "shimscope", "db");
        }
        String envHome = env.get("HOME");
        Path base = envHome != null && !envHome.isBlank() && Path.of(envHome).isAbsolute() ? Path.of(envHome) : Path.of(home);
        return base.resolve(".local/share/shimscope/db");
    }

    /** {@code option} when given (a {@code --db DIR}), else {@link #defaultDir()}. */
    public static Path location(Path option) {
        return option != null ? option : defaultDir();
    }

    /** Opens an existing store; a missing directory or one that is not a store is an error. */
    public static ResultStore open(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IllegalArgumentException("no results store at " + abs + " (import one with 'shimscope db import "
                    + "LOUPE_DB --db " + dir + "', or pass --db DIR / set " + ENV_DB + ")");
        }
        if (!isStore(abs)) {
            throw new IllegalArgumentException(abs + " is not a shimscope results store (no " + MARKER
                    + "); pass the directory given to 'db import' or 'explore'");
        }
        ResultStore store = new ResultStore(abs);
        store.checkMarker();
        return store;
    }

    /** Opens a store, creating it (and a git repository in it) when the directory is missing or empty. */
    @SuppressWarnings("try")    // the lock is held for the block's duration, not used in it
    public static ResultStore openOrCreate(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (isStore(abs)) {
            ResultStore store = new ResultStore(abs);
            store.checkMarker();
            return store;
        }
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(abs + " is a file, not a results store directory");
        }
        if (Files.isDirectory(abs) && !onlyStoreInternals(abs)) {
            throw new IllegalArgumentException(abs + " is not empty and not a shimscope results store; "
                    + "choose a new or empty directory for --db");
        }
        Files.createDirectories(abs);
        ResultStore store = new ResultStore(abs);
        try (StoreLock lock = StoreLock.acquire(abs, LOCK_TIMEOUT)) {
            if (!isStore(abs)) {
                if (!onlyStoreInternals(abs)) {
                    throw new IllegalArgumentException(abs + " is not empty and not a shimscope results store; "
                            + "choose a new or empty directory for --db");
                }
                store.initialise();
            }
        }
        return store;
    }

    /**
     * Checks, without creating or changing anything, that a result could be saved into the store
     * at {@code dir} (an existing, sound and writable store, or a missing or empty directory that
     * can be created): for commands that run long before they store.
     */
    public static void checkCanSave(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (isStore(abs)) {
            new ResultStore(abs).checkWritable();
            return;
        }
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new IllegalArgumentException(abs + " is a file, not a results store directory");
        }
        if (Files.isDirectory(abs) && !onlyStoreInternals(abs)) {
            throw new IllegalArgumentException(abs + " is not empty and not a shimscope results store; "
                    + "choose a new or empty directory for --db");
        }
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new IllegalArgumentException("cannot create the results store " + abs + ": " + existing
                    + " is not a writable directory; choose another with --db");
        }
    }

    private static boolean isStore(Path abs) {
        return Files.isRegularFile(abs.resolve(MARKER)) && Files.isDirectory(abs.resolve(".git"));
    }

    /** True when the directory holds nothing but what a store creator may have left (lock, temp, git). */
    private static boolean onlyStoreInternals(Path abs) throws IOException {
        try (Stream<Path> s = Files.list(abs)) {
            return s.map(p -> p.getFileName().toString())
                    .allMatch(n -> n.equals(StoreLock.FILE_NAME) || n.equals(TMP_DIR) || n.equals(".git") || n.equals(".gitignore"));
        }
    }

    private void initialise() throws IOException {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            writeDurably(dir.resolve(".gitignore"), (StoreLock.FILE_NAME + "\n" + TMP_DIR + "/\n").getBytes(StandardCharsets.UTF_8));
            ObjectNode marker = Json.mapper().createObjectNode();
            marker.put("format", 1);
            marker.put("layout", "APP/{benchmark|suite}-WORKLOAD/ID/data/{dyn,static_binary,static_sources}.csv + ID/"
                    + Profile.FILE_NAME);
            marker.put("created_by", "shimscope " + ToolVersion.get());
            writeDurably(dir.resolve(MARKER), Json.write(marker).getBytes(StandardCharsets.UTF_8));
            git.add().addFilepattern(".gitignore").addFilepattern(MARKER).call();
            commit(git, "Create shimscope results store (shimscope " + ToolVersion.get() + ")");
        } catch (GitAPIException e) {
            throw new IOException("cannot create a git repository in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The id of the newest commit. */
    public String head() throws IOException {
        try (Git git = Git.open(dir.toFile())) {
            ObjectId id = git.getRepository().resolve("HEAD");
            return id == null ? null : id.name();
        }
    }

    /** Reads every complete result; incomplete or foreign directories are listed in {@link StoreSnapshot#ignored()}. */
    public StoreSnapshot read() throws IOException {
        List<StoredRun> runs = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (Path appDir : LoupeImporter.subdirectories(dir)) {
            for (Path wlDir : LoupeImporter.subdirectories(appDir)) {
                if (WorkloadKind.parseDir(wlDir.getFileName().toString()) == null) {
                    ignored.add(dir.relativize(wlDir) + ": not a workload directory (benchmark-NAME, suite or suite-NAME)");
                    continue;
                }
                for (Path runDir : LoupeImporter.subdirectories(wlDir)) {
                    String rel = dir.relativize(runDir).toString();
                    Path json = runDir.resolve(Profile.FILE_NAME);
                    if (!Files.isRegularFile(json)) {
                        ignored.add(rel + ": no " + Profile.FILE_NAME + " (incomplete, or not written by shimscope)");
                        continue;
                    }
                    try {
                        Profile p = readProfile(json);
                        if (!p.relativeDir().equals(rel)) {
                            ignored.add(rel + ": " + Profile.FILE_NAME + " describes " + p.relativeDir());
                            continue;
                        }
                        runs.add(new StoredRun(p, runDir));
                    } catch (IOException | IllegalArgumentException e) {
                        ignored.add(rel + ": unreadable " + Profile.FILE_NAME + ": " + firstLine(e));
                    }
                }
            }
        }
        return new StoreSnapshot(runs, ignored);
    }

    static Profile readProfile(Path json) throws IOException {
        try {
            return ProfileReader.read(Files.readAllBytes(json), json.toString());
        } catch (JacksonException e) {
            throw new IOException(json + ": " + e.getOriginalMessage(), e);
        }
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }


    /** Writes a run's files beside the store, moves them into place at once and commits them (lock held). */
    private void commitRun(Git git, Profile profile, Map<String, byte[]> files, Path target)
            throws IOException, GitAPIException {
        Path staging = newStagingDir();
        try {
            flush(writeTree(staging, files));
            moveIntoPlace(staging, target);
            flush(List.of(target.getParent()));
        } finally {
            deleteTree(staging.getParent());
        }
        git.add().addFilepattern(profile.relativeDir()).call();
        commit(git, "Add " + profile.app() + " " + profile.workloadDir() + " run " + profile.runId()
                + " (" + toolName(profile) + ")");
    }

    /**
     * Stores one result: writes {@code APP/WORKLOAD/ID/} (the Loupe CSVs and {@code shimscope.json})
     * atomically and commits it. The run id must be new in this workload.
     *
     * @return where it was stored
     */
    @SuppressWarnings("try")
    public StoredRun save(Profile profile) throws IOException {
        Map<String, byte[]> files = filesOf(profile);
        try (StoreLock lock = StoreLock.acquire(dir, LOCK_TIMEOUT); Git git = Git.open(dir.toFile())) {
            recover(git);
            Path target = dir.resolve(profile.relativeDir());
            if (Files.exists(target)) {
                throw new IllegalArgumentException("results store " + dir + " already has run " + profile.relativeDir()
                        + "; give the result a new run id");
            }
            commitRun(git, profile, files, target);
            return new StoredRun(profile, target);
        } catch (GitAPIException e) {
            throw new IOException("results store " + dir + ": git: " + e.getMessage(), e);
        }
    }

    /**
     * Copies one complete result of another store into this one: the run directory
     * {@code APP/WORKLOAD_DIR/ID} at {@code runDir} (as {@link StoredRun#dir()} names it), byte for
     * byte, with the atomic write and the commit of {@link #save} (one commit, the same message).
     * Everything is read and checked before the lock is taken: the {@code shimscope.json} must be
     * a valid result describing that very directory, and its Loupe CSVs must say what the profile
     * says (a file cut short on the way is refused, the store is left as it was). A run already
     * here with the same files is left alone, so importing twice adds nothing; the same run id
     * with other data is an error.
     */
    @SuppressWarnings("try")
    public RunImport importRun(Path runDir) throws IOException {
        Path source = runDir.toAbsolutePath().normalize();
        Path json = source.resolve(Profile.FILE_NAME);
        if (!Files.isRegularFile(json)) {
            throw new IllegalArgumentException(source + " is not a complete result (no " + Profile.FILE_NAME + ")");
        }
        Profile profile = readProfile(json);
        if (source.getNameCount() < 3 || !source.subpath(source.getNameCount() - 3, source.getNameCount()).toString()
                .equals(profile.relativeDir())) {
            throw new IllegalArgumentException(json + " describes " + profile.relativeDir() + ", not the directory "
                    + source + " it is in");
        }
        Map<String, byte[]> files = copyOf(source);
        for (var e : filesOf(profile).entrySet()) {
            if (!e.getKey().equals(Profile.FILE_NAME) && !java.util.Arrays.equals(files.get(e.getKey()), e.getValue())) {
                throw new IllegalArgumentException(source.resolve(e.getKey()) + " does not hold what "
                        + Profile.FILE_NAME + " says (missing, or cut short); nothing imported");
            }
        }
        try (StoreLock lock = StoreLock.acquire(dir, LOCK_TIMEOUT); Git git = Git.open(dir.toFile())) {
            recover(git);
            Path target = dir.resolve(profile.relativeDir());
            if (Files.exists(target)) {
                Map<String, byte[]> present = copyOf(target);
                if (present.size() == files.size() && present.entrySet().stream()
                        .allMatch(e -> java.util.Arrays.equals(files.get(e.getKey()), e.getValue()))) {
                    return new RunImport(new StoredRun(profile, target), false);
                }
                throw new IllegalArgumentException("results store " + dir + " already has run " + profile.relativeDir()
                        + " with other data than " + source + "; nothing imported");
            }
            commitRun(git, profile, files, target);
            return new RunImport(new StoredRun(profile, target), true);
        } catch (GitAPIException e) {
            throw new IOException("results store " + dir + ": git: " + e.getMessage(), e);
        }
    }

    /**
     * Imports a Loupe database as it is: every run, its CSVs and other files copied verbatim, plus
     * a {@code shimscope.json} marking it imported. Everything is read and checked first; a bad file
     * stops the import before the store changes. Runs already present with the same data are left
     * alone; a run id present with different data is an error. One commit for the whole import.
     */
    public ImportResult importLoupe(Path loupeDb) throws IOException {
        return importScanned(loupeDb, LoupeImporter.scan(loupeDb, Instant.now()));
    }

    /**
     * Reads and checks a Loupe database, then imports it into the store at {@code storeDir},
     * creating the store only when the database is good: bad input leaves no empty store behind.
     */
    public static ImportResult importLoupe(Path storeDir, Path loupeDb) throws IOException {
        LoupeImporter.Scan scan = LoupeImporter.scan(loupeDb, Instant.now());
        return openOrCreate(storeDir).importScanned(loupeDb, scan);
    }

    @SuppressWarnings("try")
    private ImportResult importScanned(Path loupeDb, LoupeImporter.Scan scan) throws IOException {
        Path source = loupeDb.toAbsolutePath().normalize();
        List<String> notes = new ArrayList<>();
        for (LoupeImporter.LoupeRun r : scan.runs()) {
            for (var n : r.profile().details().path("loupe").path("notes")) {
                notes.add(r.profile().relativeDir() + ": " + n.asText());
            }
        }
        // read every file before taking the lock: errors surface before anything is written
        Map<LoupeImporter.LoupeRun, Map<String, byte[]>> contents = new LinkedHashMap<>();
        for (LoupeImporter.LoupeRun r : scan.runs()) {
            Map<String, byte[]> files = copyOf(r.source());
            files.put(Profile.FILE_NAME, Json.write(r.profile()).getBytes(StandardCharsets.UTF_8));
            contents.put(r, files);
        }
        try (StoreLock lock = StoreLock.acquire(dir, LOCK_TIMEOUT); Git git = Git.open(dir.toFile())) {
            recover(git);
            List<LoupeImporter.LoupeRun> fresh = new ArrayList<>();
            int unchanged = 0;
            for (var e : contents.entrySet()) {
                Profile p = e.getKey().profile();
                Path target = dir.resolve(p.relativeDir());
                if (!Files.exists(target)) {
                    fresh.add(e.getKey());
                } else if (sameData(target, e.getValue())) {
                    unchanged++;
                } else {
                    throw new IllegalArgumentException("results store " + dir + " already has run " + p.relativeDir()
                            + " with different data than " + e.getKey().source() + "; nothing imported");
                }
            }
            Set<String> apps = new TreeSet<>();
            fresh.forEach(r -> apps.add(r.profile().app()));
            String commit = null;
            if (!fresh.isEmpty()) {
                Path staging = newStagingDir();
                try {
                    List<Path> written = new ArrayList<>();
                    for (LoupeImporter.LoupeRun r : fresh) {
                        written.addAll(writeTree(staging.resolve(r.profile().relativeDir()), contents.get(r)));
                    }
                    flush(written);
                    Set<Path> parents = new TreeSet<>();
                    for (LoupeImporter.LoupeRun r : fresh) {
                        Path target = dir.resolve(r.profile().relativeDir());
                        moveIntoPlace(staging.resolve(r.profile().relativeDir()), target);
                        parents.add(target.getParent());
                    }
                    flush(parents);
                } finally {
                    deleteTree(staging.getParent());
                }
                var add = git.add();
                apps.forEach(add::addFilepattern);
                add.call();
                commit = commit(git, "Import " + fresh.size() + " runs of " + apps.size() + " apps from Loupe database "
                        + source + " (shimscope " + ToolVersion.get() + ")").name();
            }
            return new ImportResult(source.toString(), apps.size(), fresh.size(), unchanged, scan.skipped(), notes, commit);
        } catch (GitAPIException e) {
            throw new IOException("results store " + dir + ": git: " + e.getMessage(), e);
        }
    }

    private static String toolName(Profile p) {
        return p.imported() ? p.toolVersion() + ", imported" : "shimscope " + p.toolVersion();
    }

    /** The files of a run directory, by relative path. */
    static Map<String, byte[]> filesOf(Profile p) {
        SyscallTable table = SyscallTable.of(p.arch());
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (p.hasDynamic()) {
            files.put("data/dyn.csv", LoupeCsv.writeDynamic(p.verdicts(), table).getBytes(StandardCharsets.UTF_8));
        }
        if (p.staticBinary() != null) {
            files.put("data/static_binary.csv", LoupeCsv.writeStatic(p.staticBinary(), table).getBytes(StandardCharsets.UTF_8));
        }
        if (p.staticSources() != null) {
            files.put("data/static_sources.csv", LoupeCsv.writeStatic(p.staticSources(), table).getBytes(StandardCharsets.UTF_8));
        }
        files.put(Profile.FILE_NAME, Json.write(p).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** Every regular file under a Loupe run directory (symlinks and hidden files left out). */
    private static Map<String, byte[]> copyOf(Path runDir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(runDir)) {
            for (Path p : s.sorted().toList()) {
                Path rel = runDir.relativize(p);
                boolean hidden = false;
                for (Path part : rel) {
                    hidden |= part.toString().startsWith(".");
                }
                if (!hidden && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.put(rel.toString(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    /** True when the stored run's CSVs are byte for byte the ones about to be imported. */
    private static boolean sameData(Path target, Map<String, byte[]> files) throws IOException {
        for (var e : files.entrySet()) {
            if (!e.getKey().startsWith("data/")) {
                continue;
            }
            Path f = target.resolve(e.getKey());
            if (!Files.isRegularFile(f) || !java.util.Arrays.equals(Files.readAllBytes(f), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Repairs what an interrupted writer may have left (called with the lock held): a stale
     * {@code .tmp/}, a stale git index lock, and complete runs renamed into place but not committed.
     */
    private void recover(Git git) throws IOException, GitAPIException {
        deleteTree(dir.resolve(TMP_DIR));
        // only writers holding our lock touch git, so a git lock file now is left by a writer that was
        // killed (index, HEAD or a branch being updated)
        Path gitDir = dir.resolve(".git");
        for (String lock : List.of("index.lock", "HEAD.lock", "packed-refs.lock")) {
            Files.deleteIfExists(gitDir.resolve(lock));
        }
        if (Files.isDirectory(gitDir.resolve("refs"))) {
            try (Stream<Path> refs = Files.walk(gitDir.resolve("refs"))) {
                for (Path p : refs.filter(f -> f.getFileName().toString().endsWith(".lock")).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        verifyIntegrity(git);
        Status status = git.status().call();
        Set<String> candidates = new TreeSet<>();
        Stream.of(status.getUntracked(), status.getAdded(), status.getChanged())
                .flatMap(Set::stream)
                .forEach(path -> {
                    String[] parts = path.split("/");
                    if (parts.length >= 4) {
                        candidates.add(parts[0] + "/" + parts[1] + "/" + parts[2]);
                    }
                });
        List<String> recovered = new ArrayList<>();
        for (String rel : candidates) {
            Path json = dir.resolve(rel).resolve(Profile.FILE_NAME);
            try {
                if (Files.isRegularFile(json) && readProfile(json).relativeDir().equals(rel)) {
                    recovered.add(rel);
                }
            } catch (IOException | IllegalArgumentException e) {
                // not a complete result: readers ignore it, and so do we
            }
        }
        if (!recovered.isEmpty()) {
            var add = git.add();
            recovered.forEach(add::addFilepattern);
            add.call();
            commit(git, "Recover " + recovered.size() + " result(s) left uncommitted by an interrupted write: "
                    + String.join(", ", recovered));
        }
    }

    /**
     * Checks, before anything is written, that the store can take a result: its marker is sound,
     * the directory and its git database are writable, HEAD names a commit whose history and
     * tree are complete. A damaged store would otherwise be written to and break later (git fsck
     * failing); this way the command stops before its long work with one line saying what is
     * wrong. Cost: one walk over the newest tree and the commit headers.
     */
    public void checkWritable() throws IOException {
        if (!Files.isRegularFile(dir.resolve(".git").resolve("HEAD"))) {
            throw new IllegalArgumentException("results store " + dir + " is damaged: .git/HEAD is missing; restore it"
                    + " from a backup or a clone, or use another --db");
        }
        try (Git git = Git.open(dir.toFile())) {
            verifyIntegrity(git);
        }
        for (Path d : List.of(dir, dir.resolve(".git").resolve("objects"))) {
            if (!Files.isWritable(d)) {
                throw new IllegalArgumentException("results store " + dir + " cannot be written (" + d
                        + " is read-only); choose another with --db or fix its permissions");
            }
            try {
                Files.delete(Files.createTempFile(d, ".shimscope-write-check", ".tmp"));
            } catch (IOException e) {
                throw new IllegalArgumentException("results store " + dir + " cannot be written (" + d + ": "
                        + e.getMessage() + "); choose another with --db", e);
            }
        }
    }

    private void verifyIntegrity(Git git) throws IOException {
        String damaged = "results store " + dir + " is damaged";
        String fix = "; restore it from a backup or a clone, or use another --db";
        var repo = git.getRepository();
        if (!Files.isRegularFile(dir.resolve(".git").resolve("HEAD"))) {
            throw new IllegalArgumentException(damaged + ": .git/HEAD is missing" + fix);
        }
        ObjectId head;
        try {
            head = repo.resolve("HEAD");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(damaged + ": HEAD cannot be read (" + firstLine(e) + ")" + fix, e);
        }
        if (head == null) {
            throw new IllegalArgumentException(damaged + ": HEAD names no commit" + fix);
        }
        try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
            RevCommit top = walk.parseCommit(head);
            walk.markStart(top);
            for (RevCommit c : walk) {
                // parsing each commit proves it exists; the tree of the newest is walked below
                c.getParentCount();
            }
            try (org.eclipse.jgit.treewalk.TreeWalk tree = new org.eclipse.jgit.treewalk.TreeWalk(repo)) {
                tree.addTree(top.getTree());
                tree.setRecursive(true);
                while (tree.next()) {
                    if (!repo.getObjectDatabase().has(tree.getObjectId(0))) {
                        throw new IllegalArgumentException(damaged + ": the git object of " + tree.getPathString()
                                + " is missing" + fix);
                    }
                }
            }
        } catch (org.eclipse.jgit.errors.MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException
                 | org.eclipse.jgit.errors.CorruptObjectException e) {
            throw new IllegalArgumentException(damaged + ": " + firstLine(e) + fix, e);
        }
        checkMarker();
    }

    /** The marker must be the JSON object a store was created with (format 1). */
    private void checkMarker() {
        Path marker = dir.resolve(MARKER);
        try {
            var node = Json.mapper().readTree(dev.shimscope.io.InputFiles.readText(marker, "a store marker (JSON)"));
            if (node == null || !node.isObject() || node.path("format").asInt(-1) != 1) {
                throw new IllegalArgumentException("results store " + dir + ": " + MARKER
                        + " is not a store marker of format 1; restore it with 'git -C " + dir + " checkout -- " + MARKER + "'");
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("results store " + dir + ": " + MARKER + " is not valid JSON ("
                    + e.getOriginalMessage() + "); restore it with 'git -C " + dir + " checkout -- " + MARKER + "'", e);
        }
    }

    private static RevCommit commit(Git git, String message) throws GitAPIException {
        return git.commit().setMessage(message).setSign(false).setNoVerify(true).call();
    }

    /** A fresh directory under {@code .tmp/} (which only the lock holder uses, and deletes when done). */
    private Path newStagingDir() throws IOException {
        Path tmp = dir.resolve(TMP_DIR);
        Files.createDirectories(tmp);
        return Files.createDirectory(tmp.resolve("w" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())));
    }

    /** Writes the files of a run directory and returns their paths (not yet flushed: see {@link #flush}). */
    private static List<Path> writeTree(Path root, Map<String, byte[]> files) throws IOException {
        List<Path> written = new ArrayList<>();
        for (var e : files.entrySet()) {
            Path f = root.resolve(e.getKey()).normalize();
            if (!f.startsWith(root)) {
                throw new IllegalArgumentException("file outside the run directory: " + e.getKey());
            }
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
            written.add(f);
        }
        return written;
    }

    private static void moveIntoPlace(Path staged, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (DirectoryNotEmptyException | java.nio.file.FileAlreadyExistsException e) {
            throw new IllegalArgumentException("run directory " + target + " appeared while writing; not replaced");
        }
    }

    /** Writes one file and flushes it to disk. */
    private void writeDurably(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        flush(List.of(file));
    }

    private void flush(Collection<Path> paths) throws IOException {
        DiskSync.flush(dir, paths);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException ignored) {
                    // gone already
                }
            }
        }
    }
}
