// SPDX-License-Identifier: Apache-2.0
package multipass.docgen;

/**
 * A tiny writer of man(7) roff source, for {@link ManPages}: escapes text so that no user
 * string can start a request or an escape (a leading {@code .} or {@code '}, a backslash), and
 * writes the few macros the pages use. {@code -} is always written as {@code \-} (a minus
 * sign, so that options copied from the page work). Not thread-safe.
 */
final class Roff {
    private final StringBuilder out = new StringBuilder();

    /** Text made safe for roff: backslashes and hyphens escaped, a leading control character neutralised. */
    static String escape(String text) {
        String escaped = text.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }

    /** {@code text} in bold. */
    static String bold(String text) {
        return "\\fB" + escape(text) + "\\fR";
    }

    /** {@code text} in italics. */
    static String italic(String text) {
        return "\\fI" + escape(text) + "\\fR";
    }

    /** A macro line, e.g. {@code .SH "NAME"}; arguments are escaped and quoted. */
    Roff macro(String name, String... arguments) {
        out.append('.').append(name);
        for (String argument : arguments) {
            out.append(" \"").append(escape(argument).replace("\"", "\\(dq")).append('"');
        }
        out.append('\n');
        return this;
    }

    /** A line of already formatted roff (the caller escaped its text). */
    Roff raw(String line) {
        out.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line).append('\n');
        return this;
    }

    /** A line of plain text. */
    Roff text(String line) {
        return raw(escape(line));
    }

    /** A tagged paragraph: {@code tag} (formatted roff) then the body text. */
    Roff tagged(String tag, String body) {
        return macro("TP").raw(tag).text(body);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
