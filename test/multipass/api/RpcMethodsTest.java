// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The method table: every command has a method whose codecs, made at first use, carry a request
 * through its message and read an empty reply message; an unknown command has none.
 */
class RpcMethodsTest {
    @Test
    void everyCommandHasAMethodWhoseCodecsWork() throws Exception {
        for (String command : allCommands()) {
            RpcMethod method = RpcMethods.byCommand(command);
            assertSame(method, RpcMethods.byPath(method.path()), command);
            Request decoded = method.decodeRequest(method.encodeRequest(Request.of(command, 2)));
            assertEquals(command, decoded.command(), command);
            method.resultOf(new byte[0]); // an empty message is a valid one of every type
        }
    }

    @Test
    void aListRequestKeepsItsVerbosity() throws Exception {
        RpcMethod list = RpcMethods.byCommand(CommandNames.LIST);
        assertEquals("/multipass.Rpc/list", list.path());
        assertEquals(3, list.decodeRequest(list.encodeRequest(Request.of(CommandNames.LIST, 3))).verbosity());
    }

    @Test
    void anUnknownCommandHasNoMethodOrCodec() {
        assertThrows(IllegalArgumentException.class, () -> RpcMethods.byCommand("no-such-command"));
        assertThrows(IllegalArgumentException.class, () -> RequestCodecs.of("no-such-command"));
        assertThrows(IllegalArgumentException.class, () -> ReplyCodecs.of("no-such-command"));
    }

    /** Every {@code CommandNames} constant and the calls we do not offer. */
    private static List<String> allCommands() throws IllegalAccessException {
        List<String> commands = new ArrayList<>(CommandNames.NOT_OFFERED);
        for (Field field : CommandNames.class.getFields()) {
            if (field.getType() == String.class && Modifier.isStatic(field.getModifiers())) {
                commands.add((String) field.get(null));
            }
        }
        return commands;
    }
}
