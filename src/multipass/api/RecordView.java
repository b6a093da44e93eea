// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * The records of a reply, made one at a time as they are read: a list view over an immutable
 * snapshot of items (instances, trusted certificates) that turns item {@code i} into its record
 * only when asked. A reply of 100,000 records then costs the daemon one reference per item, not
 * 100,000 maps, while {@link RpcMethod#encodeReply} encodes it message by message. A {@link Reply} keeps such a
 * view as it is instead of copying it. Immutable, thread-safe if {@code toRecord} is.
 */
public final class RecordView<T> extends AbstractList<Map<String, String>> implements RandomAccess {
    private final List<T> items;
    private final Function<? super T, Map<String, String>> toRecord;

    private RecordView(List<T> items, Function<? super T, Map<String, String>> toRecord) {
        this.items = items;
        this.toRecord = toRecord;
    }

    /** The records of {@code items} (copied if mutable), each made by {@code toRecord} when read. */
    public static <T> List<Map<String, String>> of(List<T> items, Function<? super T, Map<String, String>> toRecord) {
        return new RecordView<>(List.copyOf(items), toRecord);
    }

    @Override
    public Map<String, String> get(int index) {
        return Records.ordered(toRecord.apply(items.get(index)));
    }

    @Override
    public int size() {
        return items.size();
    }
}
