// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import multipass.api.Reply;
import multipass.api.Request;
import multipass.api.Status;
import multipass.testing.Json;
import multipass.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instance commands through the CLI against a real daemon on a real Unix socket: each
 * command and output format (JSON parsed back), the state machine and its refusals as users
 * see them, the daemon's own validation, the authorization gate, and a restart.
 */
@Timeout(60)
class InstancesFlowIntegrationTest {
    static final String BACKEND = "inventory: records instances and their state only: no virtual machine runs";

    @TempDir
    Path dir;
    private TestDaemon daemon;
    private CliRunner admin;

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = TestDaemon.start(dir);
        admin = user("admin");
        expect(admin.run("list"), 0, "No instances found.\n", ""); // the first client: trusted from now on
    }

    @AfterEach
    void stopDaemon() throws Exception {
        daemon.close();
    }

    private CliRunner user(String name) {
        return new CliRunner(daemon.address(), dir.resolve("home-" + name)).withQuickIdentity();
    }

    @Test
    void launchThenListInEveryFormat() {
        expect(admin.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        expect(admin.run("launch", "-n", "db", "-c", "2", "--memory=2G", "-d", "10GiB", "22.04"), 0, "Launched: db\n", "");
        expect(admin.run("stop", "db"), 0, "", "");
        expect(admin.run("list"), 0, "Name  State    IPv4  Image\ndb    Stopped  --    22.04\nweb   Running  --    24.04\n", "");
        expect(admin.run("ls", "--format", "csv"), 0, "Name,State,IPv4,Image\ndb,Stopped,--,22.04\nweb,Running,--,24.04\n", "");
        expect(admin.run("list", "--format=yaml"), 0, "list:\n"
                + "  - name: \"db\"\n    state: \"Stopped\"\n    ipv4: \"--\"\n    image: \"22.04\"\n"
                + "  - name: \"web\"\n    state: \"Running\"\n    ipv4: \"--\"\n    image: \"24.04\"\n", "");
        CliRunner.Result json = admin.run("list", "--format", "json");
        assertEquals(0, json.exit(), json.err());
        assertEquals(List.of(listed("db", "Stopped", "22.04"), listed("web", "Running", "24.04")), Json.records(json.out(), "list"));
    }

    @Test
    void infoShowsEverythingAndSaysNoVirtualMachineRuns() {
        expect(admin.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        expect(admin.run("launch", "--name", "db", "--cpus", "4", "--memory", "1.5G", "--disk", "512M", "noble"), 0, "Launched: db\n", "");
        CliRunner.Result json = admin.run("info", "--all", "--format", "json");
        assertEquals(0, json.exit(), json.err());
        List<Map<String, String>> info = Json.records(json.out(), "info");
        assertEquals(2, info.size(), json.out());
        String dbCreated = info.get(0).get("created");
        String webCreated = info.get(1).get("created");
        Instant.parse(dbCreated);
        assertEquals(described("db", "Running", "noble", "4", "1610612736", "536870912", dbCreated), info.get(0));
        assertEquals(described("web", "Running", "24.04", "1", "1073741824", "5368709120", webCreated), info.get(1));

        expect(admin.run("info", "web", "db"), 0, block("web", "24.04", "1", "1GiB", "5GiB", webCreated) + "\n"
                + block("db", "noble", "4", "1.5GiB", "512MiB", dbCreated), "");
        expect(admin.run("info", "--format", "csv", "web"), 0, "Name,State,IPv4,Image,CPU(s),Memory,Disk,Created,Backend\n"
                + "web,Running,--,24.04,1,1073741824,5368709120," + webCreated + "," + BACKEND + "\n", "");
        CliRunner.Result yaml = admin.run("info", "web", "--format", "yaml");
        assertTrue(yaml.out().startsWith("info:\n  - name: \"web\"\n"), yaml.out());
        assertTrue(yaml.out().contains("\n    backend: \"" + BACKEND + "\"\n"), yaml.out());
    }

    @Test
    void aLaunchWithoutANameGetsAPetName() {
        CliRunner.Result launched = admin.run("launch");
        assertEquals(0, launched.exit(), launched.err());
        assertTrue(launched.out().matches("Launched: [a-z]+-[a-z]+\n"), launched.out());
        String name = launched.out().substring("Launched: ".length()).strip();
        expect(admin.run("list", "--format", "csv"), 0, "Name,State,IPv4,Image\n" + name + ",Running,--,24.04\n", "");
    }

    @Test
    void theStateMachineAsUsersSeeIt() {
        expect(admin.run("launch", "--name", "a"), 0, "Launched: a\n", "");
        expect(admin.run("launch", "--name", "b"), 0, "Launched: b\n", "");
        expect(admin.run("stop", "--all"), 0, "", "");
        expect(admin.run("stop", "a"), 0, "", ""); // already stopped: fine, as in Multipass
        expect(admin.run("start", "a"), 0, "", "");
        expect(admin.run("delete", "a"), 0, "", "");
        assertEquals("a,Deleted\nb,Stopped\n", states());
        String deleted = "instance \"a\" is deleted; recover it first with 'multipass recover a', or remove it for good with 'multipass purge'";
        expect(admin.run("start", "a"), 2, "", "start failed: " + deleted + "\n");
        expect(admin.run("stop", "a", "b"), 2, "", "stop failed: " + deleted + "\n");
        assertEquals("a,Deleted\nb,Stopped\n", states(), "all or nothing: b was not touched");
        expect(admin.run("recover", "b"), 2, "", "recover failed: instance \"b\" is not deleted, so there is nothing to recover (it is Stopped)\n");
        expect(admin.run("recover", "--all"), 0, "", "");
        assertEquals("a,Stopped\nb,Stopped\n", states(), "a recovered instance comes back stopped");
        expect(admin.run("start", "--all"), 0, "", "");
        expect(admin.run("delete", "--all"), 0, "", "");
        expect(admin.run("recover", "b"), 0, "", "");
        expect(admin.run("purge"), 0, "", "");
        assertEquals("b,Stopped\n", states(), "purge removed the deleted a for good");
        expect(admin.run("recover", "a"), 2, "", "recover failed: instance \"a\" does not exist\n");
        expect(admin.run("delete", "--purge", "b"), 0, "", "");
        expect(admin.run("list"), 0, "No instances found.\n", "");
    }

    @Test
    void unknownInstancesAreNamedForEveryCommand() {
        for (String command : List.of("info", "start", "stop", "delete", "recover")) {
            expect(admin.run(command, "nope"), 2, "", command + " failed: instance \"nope\" does not exist\n");
        }
        expect(admin.run("info", "nope", "other"), 2, "",
                "info failed: The following errors occurred:\ninstance \"nope\" does not exist\ninstance \"other\" does not exist\n");
    }

    @Test
    void badLaunchValuesAreRefused() {
        expect(admin.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        expect(admin.run("launch", "--name", "web"), 2, "", "launch failed: instance \"web\" already exists\n");
        expect(admin.run("launch", "--name", "Web"), 2, "",
                "launch failed: instance \"Web\" already exists (as \"web\": names differing only in case would clash as host names)\n");
        expect(admin.run("launch", "--name", "web_2"), 1, "", "Error: Invalid instance name supplied: 'web_2'. Valid names must consist of"
                + " letters, numbers, or hyphens, must start with a letter, and must end with an alphanumeric character.\n");
        expect(admin.run("launch", "--cpus", "0"), 1, "", "Error: invalid CPU count '0', need a positive integer value\n");
        expect(admin.run("launch", "--memory", "-1G"), 1, "", "Error: invalid memory size: '-1G' is not a valid size: use a positive"
                + " integer in bytes, or a decimal with a K, M or G suffix (e.g. 512M, 1.5G)\n");
        expect(admin.run("launch", "--disk", "100M"), 1, "", "Error: disk size 100MiB is less than the minimum of 512M\n");
        expect(admin.run("launch", "a", "b"), 1, "", "Too many arguments supplied\n");
        expect(admin.run("launch", "--name"), 1, "", "Missing value after '--name'.\n");
        assertEquals("web,Running\n", states(), "nothing was launched by the refused commands");
    }

    /**
     * What a request message can carry wrongly: a bad name, a negative CPU count, an unknown
     * instance. (An unknown option, a second image, a non-boolean purge, names with --all have
     * no field in Multipass's messages, so no client can send them.)
     */
    @Test
    void theDaemonValidatesOnItsOwn() throws Exception {
        assertEquals(new Reply(Status.INVALID_ARGUMENT, "Invalid instance name supplied: 'bad_name'. Valid names must consist of letters,"
                + " numbers, or hyphens, must start with a letter, and must end with an alphanumeric character.", List.of()),
                raw(new Request("launch", 0, List.of(), Map.of("name", "bad_name"))));
        assertEquals(Status.INVALID_ARGUMENT, raw(new Request("launch", 0, List.of(), Map.of("cpus", "-3"))).status());
        assertEquals(Status.NOT_FOUND, raw(Request.of("info", 0, "x")).status());
        expect(admin.run("list"), 0, "No instances found.\n", "");
    }

    @Test
    void anUntrustedClientChangesNothing() throws Exception {
        expect(admin.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        Path inventory = daemon.dataDir().resolve("instances.txt");
        byte[] before = Files.readAllBytes(inventory);
        CliRunner bob = user("bob");
        expect(bob.run("launch", "--name", "bobs"), 2, "", bob.notAuthenticated("launch"));
        expect(bob.run("launch"), 2, "", bob.notAuthenticated("launch"));
        for (String[] command : new String[][] {{"list"}, {"info", "web"}, {"stop", "web"}, {"start", "web"}, {"delete", "--all"},
                {"delete", "--purge", "web"}, {"recover", "web"}, {"purge"}}) {
            expect(bob.run(command), 2, "", bob.notAuthenticated(command[0]));
        }
        assertArrayEquals(before, Files.readAllBytes(inventory), "the inventory file is unchanged");
        assertEquals("web,Running\n", states());

        expect(admin.run("set", "local.passphrase=letmein"), 0, "", "");
        expect(bob.run("authenticate", "letmein"), 0, "", "");
        expect(bob.run("launch", "--name", "bobs"), 0, "Launched: bobs\n", "");
        assertEquals("bobs,Running\nweb,Running\n", states());
    }

    @Test
    void theInventorySurvivesARestart() throws Exception {
        expect(admin.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        expect(admin.run("launch", "--name", "db"), 0, "Launched: db\n", "");
        expect(admin.run("launch", "--name", "old"), 0, "Launched: old\n", "");
        expect(admin.run("stop", "db"), 0, "", "");
        expect(admin.run("delete", "old"), 0, "", "");
        String before = admin.run("info", "--all", "--format", "json").out();
        daemon.stop();
        daemon.startAgain();
        assertEquals(Json.parse(before), Json.parse(admin.run("info", "--all", "--format", "json").out()));
        assertEquals("db,Stopped\nold,Deleted\nweb,Running\n", states());
        expect(admin.run("recover", "old"), 0, "", "");
    }

    @Test
    void aCorruptInventoryStopsTheDaemonWithAMessageNamingTheFile() throws Exception {
        daemon.stop();
        Path inventory = daemon.dataDir().resolve("instances.txt");
        Files.writeString(inventory, "multipass-instances 1\nname=web\tstate=Exploded\n");
        multipass.daemon.StartupException e = assertThrows(multipass.daemon.StartupException.class, daemon::startAgain);
        assertTrue(e.getMessage().startsWith("the instance inventory " + inventory + " is invalid at line 2"), e.getMessage());
        assertFalse(Files.exists(daemon.socket()), "nothing listens");
        Files.delete(inventory);
        daemon.startAgain();
        expect(admin.run("list"), 0, "No instances found.\n", "");
    }

    @Test
    void anInventoryOthersMayWriteStopsTheDaemon() throws Exception {
        expect(admin.run("launch", "--name", "web"), 0, "Launched: web\n", "");
        daemon.stop();
        Path inventory = daemon.dataDir().resolve("instances.txt");
        Files.setPosixFilePermissions(inventory, PosixFilePermissions.fromString("rw-rw-rw-"));
        multipass.daemon.StartupException e = assertThrows(multipass.daemon.StartupException.class, daemon::startAgain);
        assertEquals(inventory + " has mode rw-rw-rw-, writable by group or others; fix it with: chmod go-w " + inventory, e.getMessage());
        Files.setPosixFilePermissions(inventory, PosixFilePermissions.fromString("rw-------"));
        daemon.startAgain();
        assertEquals("web,Running\n", states());
    }

    /** {@code name,state} lines of {@code list --format csv}, without the header. */
    private String states() {
        CliRunner.Result csv = admin.run("list", "--format", "csv");
        assertEquals(0, csv.exit(), csv.err());
        StringBuilder out = new StringBuilder();
        csv.out().lines().skip(1).forEach(line -> out.append(line, 0, line.indexOf(',', line.indexOf(',') + 1)).append('\n'));
        return out.toString();
    }

    private Reply raw(Request request) throws Exception {
        try (DaemonConnection connection = DaemonConnection.open(daemon.address(), dir.resolve("home-admin"), List.of())) {
            List<Map<String, String>> records = new ArrayList<>();
            Reply end = connection.call(request, line -> { }, records::addAll);
            records.addAll(end.records());
            return new Reply(end.status(), end.message(), records);
        }
    }

    private static Map<String, String> listed(String name, String state, String image) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("name", name);
        record.put("state", state);
        record.put("ipv4", "--");
        record.put("image", image);
        return record;
    }

    private static Map<String, String> described(String name, String state, String image, String cpus, String memory, String disk,
                                                 String created) {
        Map<String, String> record = listed(name, state, image);
        record.put("cpus", cpus);
        record.put("memory", memory);
        record.put("disk", disk);
        record.put("created", created);
        record.put("backend", BACKEND);
        return record;
    }

    private static String block(String name, String image, String cpus, String memory, String disk, String created) {
        return "Name:           " + name + "\nState:          Running\nIPv4:           --\nImage:          " + image
                + "\nCPU(s):         " + cpus + "\nMemory:         " + memory + "\nDisk:           " + disk
                + "\nCreated:        " + created + "\nBackend:        " + BACKEND + "\n";
    }

    static void expect(CliRunner.Result result, int exit, String out, String err) {
        assertEquals(err, result.err(), "stderr");
        assertEquals(out, result.out(), "stdout");
        assertEquals(exit, result.exit(), "exit code");
    }
}
