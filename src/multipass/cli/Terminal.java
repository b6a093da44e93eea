// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads secrets from the user. On a terminal the prompt goes to stdout and echo is off while
 * the line is typed ({@link Console#readPassword}, which restores echo on every path,
 * Ctrl-C included, through its shutdown hook); otherwise (a pipe, a file) the prompt is still
 * printed and one line is read from stdin without touching echo. Whether stdin is a terminal
 * is decided the same way on JDK 17 and JDK 22+, where {@code System.console()} is no longer
 * null for redirected input.
 */
final class Terminal {
    private final InputStream in;
    private final PrintStream out;
    private final boolean interactive;

    Terminal(InputStream in, PrintStream out, boolean interactive) {
        this.in = in;
        this.out = out;
        this.interactive = interactive;
    }

    /** The process's terminal. */
    static Terminal system() {
        return new Terminal(System.in, System.out, stdinIsTerminal());
    }

    /** Prompts and reads one line without echo; null at end of input before a line. */
    char[] readSecret(String prompt) throws IOException {
        Console console = System.console();
        if (interactive && console != null) {
            return console.readPassword("%s", prompt);
        }
        out.print(prompt);
        out.flush();
        boolean echoOff = interactive && setEcho(false);
        Thread restore = new Thread(() -> setEcho(true), "restore-echo");
        if (echoOff) {
            Runtime.getRuntime().addShutdownHook(restore);
        }
        try {
            return readLine();
        } finally {
            if (echoOff) {
                setEcho(true);
                Runtime.getRuntime().removeShutdownHook(restore);
            }
            out.println();
        }
    }

    /** Prompts and reads one line with echo; null at end of input before a line. */
    char[] readLine(String prompt) throws IOException {
        out.print(prompt);
        out.flush();
        return readLine();
    }

    /** Turns terminal echo on or off with stty (stdin is a terminal but stdout is not); true on success. */
    private static boolean setEcho(boolean on) {
        try {
            Process stty = new ProcessBuilder("stty", on ? "echo" : "-echo")
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                    .redirectErrorStream(true).start();
            stty.getInputStream().readAllBytes();
            return stty.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private char[] readLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            bytes.write(b);
        }
        if (b == -1 && bytes.size() == 0) {
            return null;
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        return (text.endsWith("\r") ? text.substring(0, text.length() - 1) : text).toCharArray();
    }

    /** True when file descriptor 0 is a terminal device. */
    static boolean stdinIsTerminal() {
        Path fd0 = Path.of("/proc/self/fd/0");
        if (Files.exists(fd0, LinkOption.NOFOLLOW_LINKS)) {
            try {
                String target = Files.readSymbolicLink(fd0).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            } catch (IOException e) {
                return false;
            }
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+: Console exists for redirected streams; isTerminal() tells the truth.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21: a non-null console means a terminal
        }
    }
}
