// SPDX-License-Identifier: Apache-2.0
package multipass.hpack;

import java.util.List;

/**
 * A decoded header block. When the fields would pass the decoder's header list limit, the block
 * is still decoded to its end (the dynamic table must stay in step with the peer's encoder),
 * but the fields are dropped and {@code tooLarge} is set.
 */
public record HeaderBlock(List<HeaderField> fields, boolean tooLarge) {
    public HeaderBlock {
        fields = List.copyOf(fields);
    }
}
