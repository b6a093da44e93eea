// SPDX-License-Identifier: Apache-2.0

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a jar whose bytes depend only on the files it holds: the build step behind
 * {@code make}'s {@code build/multipass.jar}, run with the JDK's source launcher
 * ({@code java packaging/build/ReproducibleJar.java OUT.jar CLASSES MAIN-CLASS EPOCH}).
 * JDK 17's {@code jar} has no {@code --date} and stamps each entry with the file's time (in the
 * local time zone) and the manifest with the JDK's version, so two builds of one commit
 * differed.
 *
 * <p>Here: {@code META-INF/} and a fixed manifest first (as {@code jar} writes them, so
 * {@code JarInputStream} finds the manifest), then every directory and file under CLASSES in
 * byte order of their '/'-separated paths; every entry's time is EPOCH (seconds, normally
 * {@code SOURCE_DATE_EPOCH}) as a UTC date-time, clamped to the zip format's range (1980 to
 * 2107), written with {@link ZipEntry#setTimeLocal} so no time zone and no extended time
 * field enters the file; no comment, no file modes, no owners. The jar is written beside OUT
 * and renamed, so an interrupted build leaves none. Single-threaded; the JDK alone.
 */
public final class ReproducibleJar {
    private static final LocalDateTime ZIP_MIN = LocalDateTime.of(1980, 1, 1, 0, 0, 0);
    private static final LocalDateTime ZIP_MAX = LocalDateTime.of(2107, 12, 31, 23, 59, 58);

    private ReproducibleJar() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: java ReproducibleJar.java <out.jar> <classes dir> <main class> <epoch seconds>");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Path classes = Path.of(args[1]);
        long epoch;
        try {
            epoch = Long.parseLong(args[3].trim());
        } catch (NumberFormatException e) {
            System.err.println("ReproducibleJar: the epoch '" + args[3] + "' is not a number of seconds; set SOURCE_DATE_EPOCH to one");
            System.exit(2);
            return;
        }
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        try (OutputStream file = Files.newOutputStream(partial)) {
            write(file, classes, args[2], entryTime(epoch));
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** EPOCH as the zip format's local date-time, in UTC, within the range it can hold. */
    static LocalDateTime entryTime(long epoch) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC);
        return time.isBefore(ZIP_MIN) ? ZIP_MIN : time.isAfter(ZIP_MAX) ? ZIP_MAX : time;
    }

    private static void write(OutputStream file, Path classes, String mainClass, LocalDateTime time) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(file, StandardCharsets.UTF_8)) {
            zip.setLevel(9);
            put(zip, "META-INF/", null, time);
            String manifest = "Manifest-Version: 1.0\r\nMain-Class: " + mainClass + "\r\nCreated-By: multipass-java build\r\n\r\n";
            put(zip, "META-INF/MANIFEST.MF", manifest.getBytes(StandardCharsets.UTF_8), time);
            for (String name : entries(classes)) {
                if (name.equals("META-INF/") || name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                put(zip, name, name.endsWith("/") ? null : Files.readAllBytes(classes.resolve(name)), time);
            }
        }
    }

    /** Every directory (ending in '/') and file under {@code root}, '/'-separated, in byte order. */
    private static List<String> entries(Path root) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(path -> !path.equals(root)).forEach(path -> {
                String name = root.relativize(path).toString().replace('\\', '/');
                names.add(Files.isDirectory(path) ? name + "/" : name);
            });
        }
        names.sort(ReproducibleJar::compareBytes);
        return names;
    }

    private static int compareBytes(String a, String b) {
        return java.util.Arrays.compare(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static void put(ZipOutputStream zip, String name, byte[] content, LocalDateTime time) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(time);
        zip.putNextEntry(entry);
        if (content != null) {
            zip.write(content);
        }
        zip.closeEntry();
    }
}
