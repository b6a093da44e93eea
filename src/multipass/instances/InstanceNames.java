// SPDX-License-Identifier: Apache-2.0
package multipass.instances;

import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Instance names: the rule Multipass applies (a valid host name label: letters, digits and
 * hyphens, starting with a letter and ending with a letter or digit; here also at most 63
 * characters, the DNS limit), and the generated pet-style {@code adjective-animal} names an
 * instance gets when {@code launch} is given none. Stateless; {@link #generate} uses the
 * caller's {@link Random}.
 */
public final class InstanceNames {
    /** The rule, as Multipass's {@code launch --help} words it. */
    public static final String RULE = "Valid names must consist of letters, numbers, or hyphens, must start with a letter, and must end"
            + " with an alphanumeric character.";
    static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?");
    private static final List<String> ADJECTIVES = List.of("able", "bold", "brave", "bright", "calm", "clever", "cosy", "crisp", "eager",
            "fair", "fancy", "frank", "gentle", "glad", "grand", "happy", "honest", "jolly", "keen", "kind", "lively", "lucky", "merry",
            "modest", "neat", "nimble", "noble", "plucky", "polite", "proud", "quick", "quiet", "ready", "smart", "snappy", "steady",
            "sunny", "swift", "tidy", "vivid", "warm", "wise", "witty", "zesty");
    private static final List<String> ANIMALS = List.of("aardvark", "badger", "beaver", "bison", "cheetah", "coyote", "crane", "dingo",
            "dolphin", "eagle", "falcon", "ferret", "gecko", "gibbon", "heron", "hedgehog", "ibex", "jackal", "koala", "lemur", "lynx",
            "marmot", "meerkat", "narwhal", "ocelot", "otter", "panda", "pika", "puffin", "quail", "raccoon", "salmon", "seal",
            "sloth", "stoat", "tapir", "toucan", "turtle", "urchin", "vole", "walrus", "wombat", "yak", "zebra");
    /** Random picks before falling back to numbered names; with 1,936 pairs, only a crowded inventory gets there. */
    private static final int RANDOM_TRIES = 32;

    private InstanceNames() {
    }

    /** True when {@code name} may name an instance. */
    public static boolean isValid(String name) {
        return name.length() <= MAX_LENGTH && VALID.matcher(name).matches();
    }

    /** Throws {@link IllegalArgumentException} naming {@code name} unless it is valid. */
    public static String require(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("Invalid instance name supplied: '" + name + "'. " + RULE
                    + (name.length() > MAX_LENGTH ? " At most " + MAX_LENGTH + " characters." : ""));
        }
        return name;
    }

    /** A fresh {@code adjective-animal} name for which {@code taken} is false (then {@code adjective-animal-N}). */
    static String generate(Random random, Predicate<String> taken) {
        String name = "";
        for (int i = 0; i < RANDOM_TRIES; i++) {
            name = ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + "-" + ANIMALS.get(random.nextInt(ANIMALS.size()));
            if (!taken.test(name)) {
                return name;
            }
        }
        for (int n = 2; ; n++) {
            if (!taken.test(name + "-" + n)) {
                return name + "-" + n;
            }
        }
    }
}
