// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import multipass.proto.ProtoException;
import multipass.proto.ProtoWriter;
import multipass.rpc.AuthenticateReply;
import multipass.rpc.DeleteReply;
import multipass.rpc.DetailedInfoItem;
import multipass.rpc.GetReply;
import multipass.rpc.InfoReply;
import multipass.rpc.KeysReply;
import multipass.rpc.LaunchReply;
import multipass.rpc.ListReply;
import multipass.rpc.ListVMInstance;
import multipass.rpc.PingReply;
import multipass.rpc.PurgeReply;
import multipass.rpc.RecoverReply;
import multipass.rpc.RestartReply;
import multipass.rpc.RpcMessage;
import multipass.rpc.SetReply;
import multipass.rpc.StartReply;
import multipass.rpc.StopReply;
import multipass.rpc.SuspendReply;
import multipass.rpc.TrustListReply;
import multipass.rpc.TrustRemoveReply;
import multipass.rpc.TrustStatusReply;
import multipass.rpc.TrustedClient;
import multipass.rpc.VersionReply;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How each method's reply message carries the records of an OK reply: a value
 * ({@code version}, {@code get}), a list ({@code list}, {@code info}, {@code keys}, the trust
 * list), or nothing (an instance action, which answers with its status alone); each through
 * its message's record in {@code multipass.rpc}. Stateless.
 */
final class ReplyCodecs {
    /**
     * The codec of the reply message of the method that runs the command {@code name}; as
     * {@link RequestCodecs#of}, a switch so that a process links only the codecs it uses. One
     * case per message; read it as a table.
     */
    static RpcMethod.ReplyCodec of(String name) {
        return switch (name) {
            case CommandNames.AUTHENTICATE -> nothing(AuthenticateReply::decode, new AuthenticateReply(""));
            case CommandNames.PING -> nothing(PingReply::decode, new PingReply());
            case CommandNames.SET -> nothing(SetReply::decode, new SetReply("", "", false));
            case CommandNames.START -> nothing(StartReply::decode, new StartReply("", "", false));
            case CommandNames.STOP -> nothing(StopReply::decode, new StopReply(""));
            case CommandNames.RESTART -> nothing(RestartReply::decode, new RestartReply("", "", false));
            case CommandNames.SUSPEND -> nothing(SuspendReply::decode, new SuspendReply(""));
            case CommandNames.RECOVER -> nothing(RecoverReply::decode, new RecoverReply(""));
            case CommandNames.DELETE -> nothing(DeleteReply::decode, new DeleteReply("", List.of(), false));
            case CommandNames.VERSION -> new Simple(records -> new VersionReply(value(records, "version"), "").encode(),
                    message -> List.of(Map.of("version", VersionReply.decode(message).version())));
            case CommandNames.GET -> new Simple(records -> new GetReply(value(records, "value"), "").encode(),
                    message -> List.of(Map.of("value", GetReply.decode(message).value())));
            case CommandNames.KEYS -> new Simple(records -> new KeysReply("", column(records, "key")).encode(),
                    message -> rows("key", KeysReply.decode(message).settingsKeys()));
            case CommandNames.PURGE -> new Simple(records -> new PurgeReply("", column(records, "name")).encode(),
                    message -> rows("name", PurgeReply.decode(message).purgedInstances()));
            case CommandNames.LAUNCH -> new Simple(records -> new LaunchReply(value(records, "name"), null, null, "", "").encode(),
                    ReplyCodecs::launched);
            case CommandNames.TRUST_STATUS -> new Simple(records -> status(records.get(0)).encode(),
                    message -> List.of(status(TrustStatusReply.decode(message))));
            // ListReply { InstancesList instance_list = 1 { repeated ListVMInstance instances = 1 } }
            case CommandNames.LIST -> new Chunked(record -> InstanceMessages.listEntry(record).encode(),
                    entries -> new ProtoWriter().writeMessage(1, entries).toByteArray(), ReplyCodecs::listed);
            // InfoReply { repeated DetailedInfoItem details = 1 }: the entries are the message's own fields.
            case CommandNames.INFO -> new Chunked(record -> InstanceMessages.infoEntry(record).encode(), entries -> entries, ReplyCodecs::detailed);
            // TrustListReply { repeated TrustedClient clients = 2 }
            case CommandNames.TRUST_LIST -> new Chunked(2, record -> client(record).encode(), entries -> entries,
                    message -> clients(TrustListReply.decode(message).clients()));
            // TrustRemoveReply { repeated TrustedClient removed = 2 }
            case CommandNames.TRUST_REMOVE -> new Chunked(2, record -> client(record).encode(), entries -> entries,
                    message -> clients(TrustRemoveReply.decode(message).removed()));
            default -> {
                if (!CommandNames.NOT_OFFERED.contains(name)) {
                    throw new IllegalArgumentException("no reply message carries the command '" + name + "'");
                }
                // A call we do not offer is always an error, so no message is ever sent or read.
                yield new Simple(records -> new byte[0], message -> List.of());
            }
        };
    }

    private ReplyCodecs() {
    }

    /** A reply decoder that may fail on bytes that break the format. */
    @FunctionalInterface
    private interface Decoder {
        List<Map<String, String>> decode(byte[] message) throws ProtoException;
    }

    /** A reply that is always one message. */
    private record Simple(Function<List<Map<String, String>>, byte[]> encoder, Decoder decoder) implements RpcMethod.ReplyCodec {
        @Override
        public Iterator<byte[]> encode(List<Map<String, String>> records) {
            return List.of(encoder.apply(records)).iterator();
        }

        @Override
        public List<Map<String, String>> decode(byte[] message) throws ProtoException {
            return decoder.decode(message);
        }
    }

    /** A list reply: as many messages as its entries need ({@link ChunkedList}). */
    private record Chunked(int entryField, Function<Map<String, String>, byte[]> entry, ChunkedList.Wrapper wrapper, Decoder decoder)
            implements RpcMethod.ReplyCodec {
        Chunked(Function<Map<String, String>, byte[]> entry, ChunkedList.Wrapper wrapper, Decoder decoder) {
            this(1, entry, wrapper, decoder);
        }

        @Override
        public Iterator<byte[]> encode(List<Map<String, String>> records) {
            return new ChunkedList(records, entry, entryField, wrapper);
        }

        @Override
        public List<Map<String, String>> decode(byte[] message) throws ProtoException {
            return decoder.decode(message);
        }
    }

    /**
     * A reply whose result carries no record (an instance action, {@code set}, {@code authenticate}):
     * the daemon sends {@code empty}, one message, as Multipass's client expects a last reply; the
     * CLI checks that what it gets is such a message, and reads nothing from it.
     */
    private static RpcMethod.ReplyCodec nothing(RpcMessage.Decoder<?> decoder, RpcMessage empty) {
        byte[] encoded = empty.encode();
        return new Simple(records -> encoded, message -> {
            decoder.decode(message);
            return List.of();
        });
    }

    private static List<Map<String, String>> launched(byte[] message) throws ProtoException {
        String name = LaunchReply.decode(message).vmInstanceName();
        return name == null || name.isEmpty() ? List.of() : List.of(Map.of("name", name));
    }

    private static List<Map<String, String>> listed(byte[] message) throws ProtoException {
        ListReply reply = ListReply.decode(message);
        List<Map<String, String>> records = new ArrayList<>();
        if (reply.instanceList() != null) {
            for (ListVMInstance instance : reply.instanceList().instances()) {
                records.add(InstanceMessages.listRecord(instance));
            }
        }
        return records;
    }

    private static List<Map<String, String>> detailed(byte[] message) throws ProtoException {
        List<Map<String, String>> records = new ArrayList<>();
        for (DetailedInfoItem item : InfoReply.decode(message).details()) {
            records.add(InstanceMessages.infoRecord(item));
        }
        return records;
    }

    private static String value(List<Map<String, String>> records, String key) {
        return records.isEmpty() ? "" : records.get(0).getOrDefault(key, "");
    }

    private static List<String> column(List<Map<String, String>> records, String key) {
        List<String> values = new ArrayList<>();
        for (Map<String, String> record : records) {
            values.add(record.getOrDefault(key, ""));
        }
        return values;
    }

    private static List<Map<String, String>> rows(String key, List<String> values) {
        List<Map<String, String>> records = new ArrayList<>();
        for (String value : values) {
            records.add(Map.of(key, value));
        }
        return records;
    }

    private static TrustedClient client(Map<String, String> record) {
        return new TrustedClient(record.getOrDefault("fingerprint", ""), record.getOrDefault("user", ""), record.getOrDefault("uid", ""),
                record.getOrDefault("method", ""), record.getOrDefault("admitted", ""));
    }

    private static List<Map<String, String>> clients(List<TrustedClient> clients) {
        List<Map<String, String>> records = new ArrayList<>();
        for (TrustedClient client : clients) {
            Map<String, String> record = new LinkedHashMap<>();
            record.put("fingerprint", client.fingerprint());
            record.put("user", client.user());
            record.put("uid", client.uid());
            record.put("method", client.method());
            record.put("admitted", client.admitted());
            records.add(record);
        }
        return records;
    }

    private static TrustStatusReply status(Map<String, String> record) {
        return new TrustStatusReply("", record.getOrDefault("user", ""), record.getOrDefault("uid", ""),
                record.getOrDefault("fingerprint", ""), "yes".equals(record.get("trusted")), record.getOrDefault("method", ""),
                record.getOrDefault("admitted", ""));
    }

    /** {@code method} and {@code admitted} only for a trusted caller, as the daemon's record has them. */
    private static Map<String, String> status(TrustStatusReply reply) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("user", reply.user());
        record.put("uid", reply.uid());
        record.put("fingerprint", reply.fingerprint());
        record.put("trusted", reply.trusted() ? "yes" : "no");
        if (reply.trusted()) {
            record.put("method", reply.method());
            record.put("admitted", reply.admitted());
        }
        return record;
    }
}
