// SPDX-License-Identifier: Apache-2.0
package multipass.http2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The streams of one connection and the identifier rules of RFC 9113 section 5.1.1: which
 * side opened a stream (odd: the client), which identifiers are still idle (above the highest
 * used), how many streams each side has open (section 5.1.2), the streams we reset lately,
 * whose frames still in flight are ignored rather than treated as errors (section 5.1,
 * "closed"), and the peer's streams that closed lately, so that HEADERS reusing one is told
 * apart from a new identifier that goes backwards. Guarded by the connection's state lock.
 */
final class StreamTable {
    /** How many reset stream identifiers are remembered, so that their late frames are ignored. */
    static final int RECENTLY_RESET = 128;
    /** How many closed identifiers of the peer's are remembered, so that their reuse is named as such. */
    static final int RECENTLY_CLOSED = 128;

    private final boolean client;
    private final Map<Integer, Http2Stream> active = new HashMap<>();
    private final Set<Integer> recentlyReset = new LinkedHashSet<>();
    private final Set<Integer> recentlyClosed = new LinkedHashSet<>();
    private int lastPeerId;
    private int nextLocalId;
    private int peerCount;
    private int localCount;

    StreamTable(boolean client) {
        this.client = client;
        this.nextLocalId = client ? 1 : 2;
    }

    /** True for an identifier of the peer's parity: odd when we are the server. */
    boolean isPeerInitiated(int id) {
        return (id & 1) == (client ? 0 : 1);
    }

    /** True for an identifier neither side has used yet (section 5.1, "idle"). */
    boolean isIdle(int id) {
        return isPeerInitiated(id) ? id > lastPeerId : id >= nextLocalId;
    }

    Http2Stream get(int id) {
        return active.get(id);
    }

    /** The highest identifier the peer has used: the last stream a GOAWAY of ours names. */
    int lastPeerId() {
        return lastPeerId;
    }

    /** The peer used {@code id}, which must be above every identifier it used before (section 5.1.1). */
    void usePeerId(int id) throws Http2Exception {
        if (id <= lastPeerId) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "new stream " + id + " not above the last stream " + lastPeerId);
        }
        lastPeerId = id;
    }

    /** Streams the peer has open (counted against our SETTINGS_MAX_CONCURRENT_STREAMS). */
    int peerCount() {
        return peerCount;
    }

    /** Streams we have open or are opening (counted against the peer's limit). */
    int localCount() {
        return localCount;
    }

    /** Holds a place for a stream we are about to open. */
    void reserveLocal() {
        localCount++;
    }

    /** Gives back a place {@link #reserveLocal} held when the stream was not opened after all. */
    void releaseLocal() {
        localCount--;
    }

    /** The next identifier of ours, for a stream already reserved. */
    int nextLocalId() throws IOException {
        if (nextLocalId < 0) {
            throw new IOException("no stream identifiers left on this connection");
        }
        int id = nextLocalId;
        nextLocalId += 2;
        return id;
    }

    /** Adds a new stream; a local one must have been reserved. */
    void add(Http2Stream stream) {
        active.put(stream.id(), stream);
        if (isPeerInitiated(stream.id())) {
            peerCount++;
        }
    }

    /** Removes a stream that closed; true if it was there. */
    boolean remove(Http2Stream stream) {
        if (active.remove(stream.id()) == null) {
            return false;
        }
        if (isPeerInitiated(stream.id())) {
            peerCount--;
            remember(recentlyClosed, stream.id(), RECENTLY_CLOSED);
        } else {
            localCount--;
        }
        return true;
    }

    /** Remembers that we reset {@code id}, forgetting the oldest beyond {@link #RECENTLY_RESET}. */
    void rememberReset(int id) {
        remember(recentlyReset, id, RECENTLY_RESET);
    }

    /** True when the peer's stream {@code id} was open and closed lately (one of the last {@link #RECENTLY_CLOSED}). */
    boolean wasClosed(int id) {
        return recentlyClosed.contains(id);
    }

    private static void remember(Set<Integer> ids, int id, int capacity) {
        ids.add(id);
        if (ids.size() > capacity) {
            Iterator<Integer> oldest = ids.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** True when we reset {@code id} lately: frames on it are still in flight and ignored. */
    boolean wasReset(int id) {
        return recentlyReset.contains(id);
    }

    boolean isEmpty() {
        return active.isEmpty();
    }

    /** A snapshot of the open streams. */
    List<Http2Stream> all() {
        return new ArrayList<>(active.values());
    }
}
