// SPDX-License-Identifier: Apache-2.0
package multipass.grpc;

import java.io.IOException;

/**
 * Where {@link GrpcClient#call} puts each reply message, in order, on the caller's thread. A
 * slow sink backs the server off: the next message's bytes are returned to flow control only
 * when the sink has taken the previous ones. A sink that throws cancels the call (RST_STREAM
 * CANCEL) and its exception leaves {@code call}.
 */
@FunctionalInterface
public interface ReplySink {
    /** One complete reply message. */
    void accept(byte[] message) throws IOException;
}
