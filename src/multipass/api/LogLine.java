// SPDX-License-Identifier: Apache-2.0
package multipass.api;

/** One daemon log line streamed to the client while its request is served. */
public record LogLine(LogLevel level, String text) {
}
