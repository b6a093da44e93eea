package multipass.daemon;

import multipass.platform.Address;
import multipass.protocol.LogLevel;

import java.nio.file.Path;

/**
 * The daemon's parsed command line, with platform defaults filled in.
 *
 * @param installUser for {@code --install}: the user to enrol, or null for the default
 */
public record DaemonOptions(Address address, Path dataDir, String adminGroup, LogLevel verbosity, boolean install, String installUser) {
}
