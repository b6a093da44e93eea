// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import multipass.util.AtomicFile;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bundled backend's inventory file, {@code instances.txt} in the data dir: a header line,
 * then one line per instance, sorted by name, of tab-separated {@code key=value} fields in a
 * fixed order:
 *
 * <pre>
 * multipass-instances 1
 * name=web	state=Running	image=24.04	cpus=1	memory=1073741824	disk=5368709120	created=2025-05-01T09:30:00Z
 * </pre>
 *
 * Reading is strict (any deviation, including a missing final newline, is an error naming the
 * file and the line), because a file that does not parse must stop the daemon rather than be
 * replaced by an empty inventory. Writing replaces the whole file with {@link AtomicFile}, so a
 * crash leaves the old or the new inventory. Stateless.
 */
final class InventoryFile {
    static final String NAME = "instances.txt";
    static final String HEADER = "multipass-instances 1";
    private static final List<String> KEYS = List.of("name", "state", "image", "cpus", "memory", "disk", "created");

    private InventoryFile() {
    }

    /** The inventory in {@code file}, by name; empty when the file does not exist. */
    static Map<String, Instance> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new TreeMap<>();
        }
        return parse(file, decode(file, bytes));
    }

    /** Replaces {@code file} with {@code instances}, durably. */
    static void write(Path file, Collection<Instance> instances) throws IOException {
        AtomicFile.write(file, format(instances).getBytes(StandardCharsets.UTF_8), AtomicFile.OWNER_ONLY);
    }

    static String format(Collection<Instance> instances) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        instances.stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(i -> out.append(line(i)).append('\n'));
        return out.toString();
    }

    /** One instance's line, without its newline. */
    static String line(Instance i) {
        return "name=" + i.name()
                + "\tstate=" + i.state().label()
                + "\timage=" + i.image()
                + "\tcpus=" + i.cpus()
                + "\tmemory=" + i.memoryBytes()
                + "\tdisk=" + i.diskBytes()
                + "\tcreated=" + i.created();
    }

    static Map<String, Instance> parse(Path file, String text) throws CorruptException {
        if (!text.endsWith("\n")) {
            throw new CorruptException(file, 0, text.isEmpty() ? "the file is empty" : "the last line does not end with a newline (truncated?)");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (!lines[0].equals(HEADER)) {
            throw new CorruptException(file, 1, "expected the header '" + HEADER + "'");
        }
        Map<String, Instance> instances = new TreeMap<>();
        for (int n = 1; n < lines.length; n++) {
            Instance instance = instance(file, n + 1, lines[n]);
            if (instances.put(instance.name(), instance) != null) {
                throw new CorruptException(file, n + 1, "instance " + instance.name() + " appears twice");
            }
        }
        return instances;
    }

    /** Parses one instance line ({@link #line}); {@code line} is its number in {@code file}, for the message. */
    static Instance instance(Path file, int line, String text) throws CorruptException {
        String[] fields = text.split("\t", -1);
        if (fields.length != KEYS.size()) {
            throw new CorruptException(file, line, "expected " + KEYS.size() + " tab-separated fields, found " + fields.length);
        }
        String[] values = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            String prefix = KEYS.get(i) + "=";
            if (!fields[i].startsWith(prefix)) {
                throw new CorruptException(file, line, "field " + (i + 1) + " should start with '" + prefix + "', not '" + fields[i] + "'");
            }
            values[i] = fields[i].substring(prefix.length());
        }
        try {
            return new Instance(values[0], InstanceState.ofLabel(values[1]), values[2], (int) number(KEYS.get(3), values[3]),
                    number(KEYS.get(4), values[4]), number(KEYS.get(5), values[5]), Instant.parse(values[6]), "");
        } catch (DateTimeParseException e) {
            throw new CorruptException(file, line, "invalid creation time '" + values[6] + "'");
        } catch (IllegalArgumentException e) {
            throw new CorruptException(file, line, e.getMessage());
        }
    }

    /** A decimal count (digits only, no sign), as {@link #format} writes it; at most 18 digits, so it fits a long. */
    private static long number(String key, String value) {
        long limit = key.equals("cpus") ? Integer.MAX_VALUE : Long.MAX_VALUE;
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9') || Long.parseLong(value) > limit) {
            throw new IllegalArgumentException("invalid " + key + " '" + value + "'");
        }
        return Long.parseLong(value);
    }

    private static String decode(Path file, byte[] bytes) throws CorruptException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptException(file, 0, "not valid UTF-8");
        }
    }

    /** The inventory file does not parse; the message names the file, the line and what is wrong. */
    static final class CorruptException extends IOException {
        private static final long serialVersionUID = 1L;

        private final String problem;

        CorruptException(Path file, int line, String problem) {
            super("the instance inventory " + file + (line > 0 ? " is invalid at line " + line : " is invalid") + ": " + problem
                    + "; repair it, or move it aside to start with an empty inventory");
            this.problem = problem;
        }

        /** What is wrong, without the file, the line or the advice (a journal gives its own). */
        String problem() {
            return problem;
        }
    }
}
