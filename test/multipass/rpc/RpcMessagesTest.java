// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.ProtoException;
import multipass.proto.ProtoWriter;
import multipass.proto.Timestamp;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The records of {@code multipass.rpc}: every one round-trips, skips what it does not model,
 * and encodes as protoc does (the expected bytes below come from {@code protoc --encode} with
 * docs/multipass_rpc_subset.proto, pasted in).
 */
class RpcMessagesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyRecordRoundTrips() throws ProtoException {
        Set<Class<?>> types = new HashSet<>();
        for (RpcSamples.Sample sample : RpcSamples.all()) {
            byte[] bytes = sample.message().encode();
            assertEquals(sample.message(), sample.decoder().decode(bytes), sample.message().getClass().getSimpleName());
            types.add(sample.message().getClass());
        }
        assertEquals(47, types.size(), "a sample of every record of multipass.rpc");
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkippedByEveryRecord() throws ProtoException {
        byte[] unknown = new ProtoWriter().writeInt64(1000, -5).writeFixed64(1001, 7).writeString(1002, "x").writeFixed32(1003, 9)
                .toByteArray();
        byte[] group = HEX.parseHex("a33e" + "0801" + "a43e"); // field 1002 as a group holding field 1 = 1
        for (RpcSamples.Sample sample : RpcSamples.all()) {
            byte[] bytes = concat(unknown, sample.message().encode(), group, unknown);
            assertEquals(sample.message(), sample.decoder().decode(bytes), sample.message().getClass().getSimpleName());
        }
    }

    @Test
    void encodingsMatchProtoc() {
        assertHex("0a00", new ListReply(new InstancesList(List.of()), "").encode());
        assertHex("0a260a240a077072696d617279120208011a0831302e302e302e321a002a0932342e3034204c54531a0178",
                new ListReply(new InstancesList(List.of(new ListVMInstance("primary", new InstanceStatus(InstanceStatus.Status.RUNNING),
                        List.of("10.0.0.2", ""), "24.04 LTS", ""))), "x").encode());
        assertHex("0a016112056e6f626c6520ffffffffffffffffff012a023147580270ac02",
                new LaunchRequest("a", "noble", -1, "1G", "", 2, 300).encode());
        assertHex("0a0032026f6b", new LaunchReply("", null, null, "ok", "").encode());
        assertHex("3a07312e322e332e34480062080880e2cfaa0610056a065562756e7475", new InstanceDetails("", "", "", "", "", "",
                List.of("1.2.3.4"), 0, "", "", new Timestamp(1_700_000_000L, 5), "Ubuntu").encode());
        assertHex("0a02766d1200", new InstanceSnapshotPair("vm", "").encode());
        assertHex("0a0668c3a96c6c6f1001", new AuthenticateRequest("h\u00e9llo", 1).encode());
        assertHex("0a060a01610a0162100a18012801",
                new StopRequest(new InstanceNames(List.of("a", "b")), 10, true, 0, true).encode());
    }

    @Test
    void aListReplyWithoutAListIsEmptyAndDecodesWithoutOne() throws ProtoException {
        assertHex("", new ListReply(null, "").encode());
        assertNull(ListReply.decode(new byte[0]).instanceList());
        assertEquals(new InstancesList(List.of()), ListReply.decode(HEX.parseHex("0a00")).instanceList());
    }

    @Test
    void defaultsAreNotWrittenButPresenceIs() throws ProtoException {
        assertHex("", new LaunchRequest("", "", 0, "", "", 0, 0).encode());
        assertHex("", new InstanceSnapshotPair("", null).encode());
        assertNull(InstanceSnapshotPair.decode(new byte[0]).snapshotName());
        assertHex("4800", new InstanceDetails("", "", "", "", "", "", List.of(), 0, "", "", null, "").encode());
        assertNull(InstanceDetails.decode(new byte[0]).numSnapshots());
        assertHex("1200", new ListVMInstance("", InstanceStatus.UNKNOWN, List.of(), "", "").encode()); // always written
        assertEquals(InstanceStatus.UNKNOWN, ListVMInstance.decode(new byte[0]).instanceStatus());
        assertEquals(InstanceNames.NONE, StartRequest.decode(new byte[0]).instanceNames());
    }

    @Test
    void anUnknownStatusNumberDecodesAsUnknown() throws ProtoException {
        assertEquals(InstanceStatus.Status.UNKNOWN, InstanceStatus.decode(HEX.parseHex("082a")).status()); // 42
        assertEquals(InstanceStatus.Status.UNKNOWN, InstanceStatus.decode(HEX.parseHex("08ffffffffffffffffff01")).status()); // -1
        assertEquals(InstanceStatus.Status.UNAVAILABLE, InstanceStatus.decode(HEX.parseHex("0809")).status());
        for (InstanceStatus.Status status : InstanceStatus.Status.values()) {
            assertEquals(status, InstanceStatus.Status.forNumber(status.number()));
        }
    }

    @Test
    void theLastMemberOfAOneofWins() throws ProtoException {
        LaunchReply reply = LaunchReply.decode(HEX.parseHex("0a01611a0162")); // vm_instance_name "a", then create_message "b"
        assertNull(reply.vmInstanceName());
        assertEquals("b", reply.createMessage());
        reply = LaunchReply.decode(HEX.parseHex("1a0162" + "12050801120137" + "0a0161")); // create_message, launch_progress, vm_instance_name
        assertEquals(new LaunchReply("a", null, null, "", ""), reply);
        // A member we do not model replaces one we do.
        assertNull(ListReply.decode(HEX.parseHex("0a00" + "1200")).instanceList());
        assertEquals(new InstancesList(List.of()), ListReply.decode(HEX.parseHex("1200" + "0a00")).instanceList());
        assertNull(DetailedInfoItem.decode(HEX.parseHex("0a0178" + "3a00" + "4200")).instanceInfo());
        assertThrows(IllegalArgumentException.class, () -> new LaunchReply("a", null, "b", "", ""));
    }

    @Test
    void fieldsLeftOutAreSkipped() throws ProtoException {
        // LaunchRequest with kernel_name (3), network_options (12), permission_to_bridge (13), password (15), zone (16).
        byte[] bytes = concat(new LaunchRequest("dev", "noble", 2, "", "", 0, 0).encode(), new ProtoWriter().writeString(3, "k")
                .writeMessage(12, new ProtoWriter().writeString(1, "eth0").toByteArray()).writeBool(13, true).writeString(15, "pw")
                .writeMessage(16, new byte[0]).toByteArray());
        assertEquals(new LaunchRequest("dev", "noble", 2, "", "", 0, 0), LaunchRequest.decode(bytes));
    }

    @Test
    void aKnownFieldWithTheWrongWireTypeIsRefusedNamingIt() {
        ProtoException e = assertThrows(ProtoException.class, () -> GetRequest.decode(HEX.parseHex("0801")));
        assertEquals("field 1: wire type 0 where string needs 2", e.getMessage());
        e = assertThrows(ProtoException.class, () -> ListReply.decode(HEX.parseHex("0a020801")));
        assertEquals("field 1: wire type 0 where message needs 2", e.getMessage()); // inside InstancesList
        e = assertThrows(ProtoException.class, () -> InstanceDetails.decode(HEX.parseHex("62020880")));
        assertEquals("field 1: varint runs past the end of the message", e.getMessage());
        e = assertThrows(ProtoException.class, () -> InstanceDetails.decode(HEX.parseHex("62021200"))); // Timestamp.nanos as bytes
        assertEquals("field 2: wire type 2 where int32 needs 0", e.getMessage());
    }

    @Test
    void anOutOfRangeTimestampIsAProtoException() {
        ProtoException e = assertThrows(ProtoException.class, () -> InstanceDetails.decode(HEX.parseHex("6206" + "10ffffffff0f")));
        assertEquals("Timestamp nanos -1 outside 0..999999999", e.getMessage());
    }

    @Test
    void secretsNeverShowInToString() {
        String passphrase = new AuthenticateRequest("correct horse", 3).toString();
        assertFalse(passphrase.contains("correct horse"), passphrase);
        assertEquals("AuthenticateRequest[passphrase=(hidden), verbosityLevel=3]", passphrase);
        String set = new SetRequest("local.passphrase", "s3cret", 0, true).toString();
        assertFalse(set.contains("s3cret"), set);
        assertEquals("SetRequest[key=local.passphrase, val=(hidden), verbosityLevel=0, authorized=true]", set);
        for (RpcSamples.Sample sample : RpcSamples.all()) {
            String text = sample.message().toString();
            assertFalse(text.contains("s3cret-value") || text.contains("battery staple"), text);
        }
    }

    @Test
    void componentsAreCheckedAndListsCopied() {
        assertThrows(NullPointerException.class, () -> new GetRequest(null, 0));
        assertThrows(NullPointerException.class, () -> new StartRequest(null, 0, 0));
        List<String> names = new java.util.ArrayList<>(List.of("a"));
        InstanceNames copy = new InstanceNames(names);
        names.add("b");
        assertEquals(List.of("a"), copy.instanceName());
    }

    private static void assertHex(String expected, byte[] actual) {
        assertEquals(expected, HEX.formatHex(actual));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void concatenatedMessagesMerge() throws ProtoException {
        // Protobuf's merge rule for scalars and repeated fields: the last scalar wins, lists append.
        byte[] bytes = concat(new PurgeReply("one", List.of("a")).encode(), new PurgeReply("two", List.of("b")).encode());
        assertArrayEquals(new PurgeReply("two", List.of("a", "b")).encode(), PurgeReply.decode(bytes).encode());
    }
}
