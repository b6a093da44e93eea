// SPDX-License-Identifier: Apache-2.0
package multipass.serve;

import multipass.api.Access;
import multipass.api.CommandNames;
import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.settings.Setting;
import multipass.settings.SettingKeys;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code get <key>} and {@code set <key> <value>} for the daemon-side keys of the settings
 * registry ({@link SettingKeys}): checks the request's shape and the key, then hands the
 * value to the key's {@link Behaviour}. Who may {@code set} a key is the registry's
 * {@link Setting#whoMaySet()}. Thread-safe (the behaviours are).
 */
public final class SettingsCommands {
    /** What one daemon-side key does: what {@code get} shows, and how {@code set} stores a checked value. */
    interface Behaviour {
        String shown();

        Reply store(String value, Peer peer) throws IOException;
    }

    private final Map<String, Behaviour> behaviours;

    /** {@code behaviours}: one per daemon-side registry key, by key. */
    public SettingsCommands(Map<String, Behaviour> behaviours) {
        for (Setting setting : SettingKeys.ALL) {
            if ((setting.home() == Setting.Home.DAEMON) != behaviours.containsKey(setting.key())) {
                throw new IllegalStateException("daemon behaviour of setting " + setting.key() + " is missing or misplaced");
            }
        }
        this.behaviours = Map.copyOf(behaviours);
    }

    /** Registers {@code get} and {@code keys} (trusted clients) and {@code set} (as the key's entry says). */
    void register(CommandTable table) {
        table.add(CommandNames.GET, Access.TRUSTED, (request, peer, trusted) -> get(request));
        table.add(CommandNames.KEYS, Access.TRUSTED, (request, peer, trusted) -> keys());
        table.add(CommandNames.SET, SettingsCommands::whoMaySet, (request, peer, trusted) -> set(request, peer));
    }

    /** The access rule of {@code set <key>}: the key's entry, or trusted clients only for a key the daemon does not keep. */
    static Access whoMaySet(Request request) {
        return request.args().isEmpty() ? Access.TRUSTED
                : daemonKey(request.args().get(0)).map(Setting::whoMaySet).orElse(Access.TRUSTED);
    }

    private Reply get(Request request) {
        if (request.args().size() != 1) {
            return Reply.error(Status.INVALID_ARGUMENT, "get takes exactly one key");
        }
        String key = request.args().get(0);
        if (daemonKey(key).isEmpty()) {
            return Reply.error(Status.INVALID_ARGUMENT, SettingKeys.unrecognized(key));
        }
        return Reply.ok(List.of(Map.of("value", behaviours.get(key).shown())));
    }

    /** The daemon's keys, one record {@code {key}} each, in the registry's order. */
    private static Reply keys() {
        List<Map<String, String>> keys = new ArrayList<>();
        for (Setting setting : SettingKeys.ALL) {
            if (setting.home() == Setting.Home.DAEMON) {
                keys.add(Map.of("key", setting.key()));
            }
        }
        return Reply.ok(keys);
    }

    private Reply set(Request request, Peer peer) throws IOException {
        if (request.args().size() != 2) {
            return Reply.error(Status.INVALID_ARGUMENT, "set takes exactly one key and one value");
        }
        Optional<Setting> setting = daemonKey(request.args().get(0));
        if (setting.isEmpty()) {
            return Reply.error(Status.INVALID_ARGUMENT, SettingKeys.unrecognized(request.args().get(0)));
        }
        Optional<String> problem = setting.get().problem(request.args().get(1));
        if (problem.isPresent()) {
            return Reply.error(Status.INVALID_ARGUMENT, problem.get());
        }
        return behaviours.get(setting.get().key()).store(request.args().get(1), peer);
    }

    private static Optional<Setting> daemonKey(String key) {
        return SettingKeys.find(key).filter(setting -> setting.home() == Setting.Home.DAEMON);
    }
}
