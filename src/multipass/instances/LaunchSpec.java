// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.util.regex.Pattern;

/**
 * What {@code launch} asks for, validated: the same checks run in the CLI (a command-line
 * error, before anything is sent) and in the daemon (which trusts no client). {@code name} is
 * null when the backend should pick one. Immutable.
 */
public record LaunchSpec(String name, String image, int cpus, long memoryBytes, long diskBytes) {
    public static final String DEFAULT_IMAGE = "24.04";
    public static final int DEFAULT_CPUS = 1;
    public static final String DEFAULT_MEMORY = "1G";
    public static final String DEFAULT_DISK = "5G";
    /** Multipass's minimums. */
    public static final String MIN_MEMORY = "128M";
    public static final String MIN_DISK = "512M";
    /** An image is a release number, codename or alias (e.g. {@code 24.04}, {@code noble}, {@code daily:25.04}). */
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]{0,63}");

    public LaunchSpec {
        if (name != null) {
            InstanceNames.require(name);
        }
        requireImage(image);
        if (cpus < 1) {
            throw new IllegalArgumentException("invalid CPU count '" + cpus + "', need a positive integer value");
        }
        if (memoryBytes < Sizes.parse(MIN_MEMORY)) {
            throw new IllegalArgumentException("memory size " + Sizes.human(memoryBytes) + " is less than the minimum of " + MIN_MEMORY);
        }
        if (diskBytes < Sizes.parse(MIN_DISK)) {
            throw new IllegalArgumentException("disk size " + Sizes.human(diskBytes) + " is less than the minimum of " + MIN_DISK);
        }
    }

    /**
     * Parses the options as typed ({@code null} for one not given: its default); throws
     * {@link IllegalArgumentException} with a message that names the offending value.
     */
    public static LaunchSpec parse(String name, String image, String cpus, String memory, String disk) {
        return new LaunchSpec(name, image == null ? DEFAULT_IMAGE : image, cpus == null ? DEFAULT_CPUS : cpus(cpus),
                size("memory", memory == null ? DEFAULT_MEMORY : memory), size("disk", disk == null ? DEFAULT_DISK : disk));
    }

    private static int cpus(String text) {
        if (text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9') || text.isEmpty() || Integer.parseInt(text) < 1) {
            throw new IllegalArgumentException("invalid CPU count '" + text + "', need a positive integer value");
        }
        return Integer.parseInt(text);
    }

    private static long size(String what, String text) {
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + what + " size: " + e.getMessage(), e);
        }
    }

    static String requireImage(String image) {
        if (image == null || !IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("invalid image '" + image + "': give a release (e.g. 24.04), a codename or an alias, of"
                    + " letters, digits and . : _ -");
        }
        return image;
    }
}
