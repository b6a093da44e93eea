// SPDX-License-Identifier: Apache-2.0
package multipass.bench;

import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.tls.Identity;

import java.io.IOException;

/**
 * Timed requests on one warm connection of a trusted client, for {@link ScaleSection}: the
 * median latency of a request repeated a few times, or why there is none. A request whose
 * reply does not arrive (the daemon closed the connection) is reported as failed and the
 * connection is opened again for the next one. Not thread-safe.
 */
final class Operations implements AutoCloseable {
    private final Connection.Target target;
    private final Identity identity;
    private Connection connection;

    Operations(Connection.Target target, Identity identity) {
        this.target = target;
        this.identity = identity;
    }

    /** The median ms of {@code runs} calls of {@code request} (a new one each call), or "failed (...)". */
    String time(Request request, int runs) throws IOException {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            Request next = i == 0 ? request : renamed(request, i);
            if (connection == null) {
                connection = target.open(identity);
            }
            long start = System.nanoTime();
            try {
                Reply reply = connection.call(next);
                if (reply.status() != Status.OK) {
                    return "failed (" + reply.status() + ")";
                }
            } catch (IOException e) {
                close();
                return "failed (no reply)";
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return Table.ms(Stats.of(ms).median());
    }

    /** A launch must name a new instance each time; other requests repeat as they are. */
    private static Request renamed(Request request, int i) {
        if (!request.options().containsKey("name")) {
            return request;
        }
        return new Request(request.command(), request.verbosity(), request.args(),
                java.util.Map.of("name", request.options().get("name") + "-" + i));
    }

    @Override
    public void close() throws IOException {
        if (connection != null) {
            Connection open = connection;
            connection = null;
            open.close();
        }
    }
}
