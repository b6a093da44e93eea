// SPDX-License-Identifier: Apache-2.0
package multipass.docgen;

import multipass.cli.Cli;
import multipass.cli.Command;
import multipass.cli.CommandSpec;
import multipass.cli.ExitCode;
import multipass.cli.HelpFormatter;
import multipass.daemon.DaemonMain;
import multipass.platform.Platform;
import multipass.api.BuildInfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates the manual pages {@code multipass(1)} and {@code multipassd(8)} from what
 * {@code --help} prints, so that the pages and the help never disagree: the client page from
 * the {@link CommandSpec} list that {@code multipass help} renders, the daemon page from the
 * daemon's own help text, read the way help2man reads one (usage line, description, then the
 * two-column "Options:" list; a layout it does not know fails the build). What help has no
 * room for (files, environment, exit status) is written here. Run by {@code make}:
 * {@code java -cp build/classes multipass.docgen.ManPages build/man}.
 */
public final class ManPages {
    static final String CLIENT_PAGE = "multipass.1";
    static final String DAEMON_PAGE = "multipassd.8";
    private static final String SOURCE = "multipass-java " + BuildInfo.VERSION;
    private static final Pattern OPTION_LINE = Pattern.compile("^  (-\\S.*?) {2,}(\\S.*)$");
    private static final Pattern CONTINUATION = Pattern.compile("^ {3,}(\\S.*)$");
    private static final Pattern PLACEHOLDER = Pattern.compile("<([^<>]+)>");

    private ManPages() {
    }

    /** Writes both pages into the directory given as the only argument. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java multipass.docgen.ManPages <output directory>");
            System.exit(1);
        }
        Path dir = Path.of(args[0]);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(CLIENT_PAGE), client(Cli.standard().specs()));
            Files.writeString(dir.resolve(DAEMON_PAGE), daemon(daemonHelp()));
        } catch (IOException e) {
            System.err.println("ManPages: cannot write the manual pages in " + dir + ": " + e.getMessage());
            System.exit(2);
        }
    }

    /** The daemon's {@code --help} text, exactly as users see it. */
    static String daemonHelp() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        int code = DaemonMain.run(new String[] {"--help"}, Platform.current(), out, out);
        if (code != 0) {
            throw new IllegalStateException("daemon --help exited " + code + ": " + buffer.toString(StandardCharsets.UTF_8));
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** {@code multipass(1)}: every command of {@code commands}, with its options and arguments. */
    static String client(List<CommandSpec> commands) {
        Roff page = new Roff();
        page.macro("TH", "MULTIPASS", "1", "", SOURCE, "User Commands");
        page.macro("SH", "NAME").text("multipass - command line client of the Multipass service");
        page.macro("SH", "SYNOPSIS")
                .raw(Roff.bold("multipass") + " [" + Roff.italic("options") + "] " + Roff.italic("command") + " [" + Roff.italic("arguments") + "]");
        page.macro("SH", "DESCRIPTION")
                .raw(Roff.bold("multipass") + " talks to the Multipass daemon, " + Roff.bold("multipassd") + "(8), over mutual TLS on a Unix")
                .text("socket (or TCP). Each user has a client certificate, made on first use; the daemon serves")
                .text("only the certificates it trusts. The first administrator who connects (root or a member of")
                .text("the admin group) is trusted at once, and so is the user who installed the package. Anyone else")
                .raw("runs " + Roff.bold("multipass authenticate") + " with the passphrase a trusted user set with")
                .raw(Roff.bold("multipass set local.passphrase") + ".");
        page.macro("SH", "OPTIONS")
                .tagged(optionTag(HelpFormatter.HELP_OPTION), "Display help: of multipass, or of the command it follows.")
                .tagged(optionTag(HelpFormatter.VERBOSE_OPTION), HelpFormatter.VERBOSE_HELP
                        + " The daemon's log lines for the request are printed on standard error.");
        commands(page, commands);
        clientReference(page);
        return page.toString();
    }

    /** The COMMANDS section: one subsection per command, as its {@code --help} shows it. */
    private static void commands(Roff page, List<CommandSpec> commands) {
        page.macro("SH", "COMMANDS");
        for (CommandSpec command : commands) {
            List<String> names = new ArrayList<>(List.of(command.name()));
            names.addAll(command.aliases());
            page.macro("SS", String.join(", ", names))
                    .raw(Roff.bold("multipass " + command.name()) + " [" + Roff.italic("options") + "]"
                            + (command.usage().isEmpty() ? "" : " " + usage(command.usage())))
                    .macro("PP");
            command.description().forEach(page::text);
            command.options().forEach(option -> page.tagged(optionTag(option.display()), option.help()));
            command.arguments().forEach(argument -> page.tagged(Roff.italic(argument.name()), argument.help()));
        }
    }

    /** What help has no room for: exit status, environment, files. */
    private static void clientReference(Roff page) {
        page.macro("SH", "EXIT STATUS")
                .tagged(Roff.bold(String.valueOf(ExitCode.OK.code())), "Success.")
                .tagged(Roff.bold(String.valueOf(ExitCode.COMMAND_LINE_ERROR.code())), "Command-line error (unknown option, bad arguments).")
                .tagged(Roff.bold(String.valueOf(ExitCode.COMMAND_FAILED.code())),
                        "The command failed, e.g. \"<command> failed: multipass socket access denied\".")
                .tagged(Roff.bold(String.valueOf(ExitCode.DAEMON_FAILED.code())), "The daemon failed.");
        page.macro("SH", "ENVIRONMENT")
                .tagged(Roff.bold(Platform.SERVER_ADDRESS_VARIABLE),
                        "The daemon's address: unix:<absolute path> or <host>:<port>. Default: unix:/run/multipass_socket.")
                .tagged(Roff.bold("XDG_DATA_HOME") + ", " + Roff.bold("HOME"),
                        "Where the client identity lives (default ~/.local/share).")
                .tagged(Roff.bold("JAVA_HOME"), "The Java runtime (17 or newer) the launcher runs; default: java on PATH.")
                .tagged(Roff.bold("MULTIPASS_JAVA_OPTS"), "Extra JVM options for the launcher to pass, after its own.");
        page.macro("SH", "FILES")
                .tagged(Roff.italic("$XDG_DATA_HOME/multipass-client-certificate/"),
                        "This user's client identity: multipass_cert.pem and multipass_cert_key.pem (mode 0600).")
                .tagged(Roff.italic("/run/multipass_socket"), "The system daemon's socket; its CA certificate is beside it, in"
                        + " /run/multipass_socket.ca.pem, and lets the client verify the daemon before sending anything.");
        page.macro("SH", "SEE ALSO").raw(Roff.bold("multipassd") + "(8)");
    }

    /** {@code multipassd(8)}, from the daemon's help text {@code help}. */
    static String daemon(String help) {
        List<String> lines = help.lines().toList();
        int options = lines.indexOf("Options:");
        if (lines.isEmpty() || !lines.get(0).startsWith("Usage: multipass daemon") || options < 0) {
            throw new IllegalArgumentException("unexpected layout of the daemon's help, first line: " + lines.stream().findFirst().orElse(""));
        }
        Roff page = new Roff();
        page.macro("TH", "MULTIPASSD", "8", "", SOURCE, "System Administration");
        page.macro("SH", "NAME").text("multipassd - the Multipass daemon (multipass-java)");
        page.macro("SH", "SYNOPSIS")
                .raw(Roff.bold("multipassd") + " " + usage(lines.get(0).substring("Usage: multipass daemon".length()).strip()))
                .macro("br")
                .raw(Roff.bold("multipassd --install") + " [" + Roff.bold("--user") + " " + Roff.italic("name") + "]");
        page.macro("SH", "DESCRIPTION");
        lines.subList(1, options).stream().filter(line -> !line.isBlank()).forEach(page::text);
        page.macro("PP")
                .raw(Roff.bold("multipassd") + " is the same program as " + Roff.bold("multipass daemon") + ". Installed packages run it")
                .text("from the systemd unit multipassd.service, as root, listening on /run/multipass_socket with its")
                .text("data in /var/lib/multipassd. Until a client is trusted, the socket is open only to root and the")
                .text("admin group (mode 0660); once one is, it is open to all (0666), and every request but")
                .text("authenticate needs a trusted client certificate.");
        page.macro("SH", "OPTIONS");
        for (String[] option : helpOptions(lines.subList(options + 1, lines.size()))) {
            page.tagged(optionTag(option[0]), option[1]);
        }
        daemonReference(page);
        return page.toString();
    }

    /** What the daemon's help has no room for: files, environment, signals, exit status. */
    private static void daemonReference(Roff page) {
        page.macro("SH", "FILES")
                .tagged(Roff.italic("/run/multipass_socket"), "The socket (mode 0660 root:admin group while nobody is trusted, then 0666).")
                .tagged(Roff.italic("/run/multipass_socket.ca.pem"), "The daemon's CA certificate, published for clients to verify it.")
                .tagged(Roff.italic("/run/multipassd/"), "In TCP mode, the published CA certificate (tcp-<port>.ca.pem).")
                .tagged(Roff.italic("/var/lib/multipassd/"), "The data directory (mode 0700): authenticated-certs/multipass_client_certs.pem"
                        + " (the trust store), multipassd.conf (settings, with the passphrase hash) and certificates/.");
        page.macro("SH", "ENVIRONMENT")
                .tagged(Roff.bold("SUDO_USER"), "With --install: the user to enrol when --user is not given.")
                .tagged(Roff.bold("XDG_RUNTIME_DIR") + ", " + Roff.bold("XDG_DATA_HOME"), "The defaults of a daemon not run as root.")
                .tagged(Roff.bold("JAVA_HOME"), "The Java runtime (17 or newer) the launcher runs; default: java on PATH.")
                .tagged(Roff.bold("MULTIPASSD_JAVA_OPTS"), "Extra JVM options for the launcher to pass.");
        page.macro("SH", "SIGNALS").text("SIGTERM and SIGINT stop the daemon cleanly: the socket and the published CA are removed.");
        page.macro("SH", "EXIT STATUS")
                .tagged(Roff.bold("0"), "Stopped cleanly, or --install done.")
                .tagged(Roff.bold("1"), "Command-line error.")
                .tagged(Roff.bold("2"), "Cannot start (or the enrolment failed).");
        page.macro("SH", "SEE ALSO").raw(Roff.bold("multipass") + "(1), " + Roff.bold("systemctl") + "(1)");
    }

    /** The two-column option list of a help text: {name, text} pairs, continuation lines joined. */
    static List<String[]> helpOptions(List<String> lines) {
        List<String[]> options = new ArrayList<>();
        for (String line : lines) {
            Matcher start = OPTION_LINE.matcher(line);
            Matcher more = CONTINUATION.matcher(line);
            if (start.matches()) {
                options.add(new String[] {start.group(1), start.group(2)});
            } else if (more.matches() && !options.isEmpty()) {
                String[] last = options.get(options.size() - 1);
                last[1] = last[1] + " " + more.group(1);
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException("unexpected line in the daemon's option help: '" + line + "'");
            }
        }
        return options;
    }

    /** An option as shown in help ({@code -f, --format <format>}): names in bold, the value in italics. */
    static String optionTag(String display) {
        StringBuilder tag = new StringBuilder();
        for (String token : display.split(" ")) {
            boolean comma = token.endsWith(",");
            String word = comma ? token.substring(0, token.length() - 1) : token;
            tag.append(tag.length() == 0 ? "" : " ")
                    .append(word.startsWith("<") ? Roff.italic(word.substring(1, word.length() - 1)) : Roff.bold(word))
                    .append(comma ? "," : "");
        }
        return tag.toString();
    }

    /** A usage string ({@code <key>[=<value>]}) with its placeholders in italics. */
    private static String usage(String usage) {
        return PLACEHOLDER.matcher(Roff.escape(usage)).replaceAll("\\\\fI$1\\\\fR");
    }
}
