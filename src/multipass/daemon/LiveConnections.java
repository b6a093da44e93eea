// SPDX-License-Identifier: Apache-2.0
package multipass.daemon;

import multipass.http2.Http2Connection;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The daemon's open HTTP/2 connections, so that a daemon that stops can tell each one
 * (GOAWAY), let the calls in flight finish, and wait for them. Thread-safe.
 */
final class LiveConnections {
    private final Set<Http2Connection> open = new HashSet<>();
    private boolean stopping;

    /** Registers {@code connection}; false when the daemon is already stopping (serve nothing then). */
    synchronized boolean add(Http2Connection connection) {
        if (stopping) {
            return false;
        }
        open.add(connection);
        return true;
    }

    synchronized void remove(Http2Connection connection) {
        open.remove(connection);
        notifyAll();
    }

    /**
     * Sends every connection GOAWAY (the calls in flight go on, no new one starts), then waits
     * up to {@code millis} for them all to end, and closes those still open.
     */
    void stop(long millis) throws InterruptedException {
        List<Http2Connection> all;
        synchronized (this) {
            stopping = true;
            all = List.copyOf(open);
        }
        for (Http2Connection connection : all) {
            connection.shutdown();
        }
        long end = System.nanoTime() + millis * 1_000_000;
        synchronized (this) {
            long left;
            while (!open.isEmpty() && (left = end - System.nanoTime()) > 0) {
                wait(Math.max(1, left / 1_000_000));
            }
            all = List.copyOf(open);
        }
        for (Http2Connection connection : all) {
            connection.close();
        }
    }
}
