// SPDX-License-Identifier: Apache-2.0
package multipass.rpc;

import multipass.proto.Timestamp;

import java.util.List;

/**
 * One filled-in value of every record of this package (every component away from its default,
 * so that each field is on the wire), with its decoder: the round-trip tests' cases and the
 * fuzzer's seeds. Also a few edge values (empty lists, empty present strings, null oneofs).
 */
public final class RpcSamples {
    /** A message and the decoder of its type. */
    public record Sample(RpcMessage message, RpcMessage.Decoder<?> decoder) {
    }

    private RpcSamples() {
    }

    private static final InstanceNames NAMES = new InstanceNames(List.of("primary", "", "dev-1"));
    private static final InstanceStatus RUNNING = new InstanceStatus(InstanceStatus.Status.RUNNING);
    private static final InstanceDetails DETAILS = new InstanceDetails("24.04 LTS", "Ubuntu 24.04.1 LTS", "a1b2c3", "0.01 0.05 0.10",
            "123456", "7890", List.of("10.0.0.2", "10.0.0.3"), 2, "cpu 1 2 3", "up 3 minutes", new Timestamp(1_700_000_000L, 500),
            "Ubuntu");
    private static final TrustedClient CLIENT = new TrustedClient("ab:cd:ef", "alice", "1000", "passphrase", "2024-05-01T10:00:00Z");

    /** Every record type, filled in. */
    public static List<Sample> all() {
        return List.of(
                sample(new LaunchRequest("dev", "noble", 2, "4G", "20G", 2, 600), LaunchRequest::decode),
                sample(new LaunchProgress(3, "42"), LaunchProgress::decode),
                sample(new LaunchReply("dev", null, null, "a log line", "Launched: dev"), LaunchReply::decode),
                sample(new LaunchReply(null, new LaunchProgress(1, "7"), null, "", ""), LaunchReply::decode),
                sample(new LaunchReply(null, null, "Configuring dev", "", "done"), LaunchReply::decode),
                sample(new PurgeRequest(1), PurgeRequest::decode),
                sample(new PurgeReply("purging", List.of("old", "older")), PurgeReply::decode),
                sample(new InstanceSnapshotPair("dev", "snapshot1"), InstanceSnapshotPair::decode),
                sample(new InstanceSnapshotPair("dev", ""), InstanceSnapshotPair::decode),
                sample(new InfoRequest(List.of(new InstanceSnapshotPair("dev", null), new InstanceSnapshotPair("web", "s2")), 3, true, true),
                        InfoRequest::decode),
                sample(new InfoReply(List.of(new DetailedInfoItem("dev", RUNNING, "4G", "20G", "2", DETAILS),
                        new DetailedInfoItem("web", InstanceStatus.UNKNOWN, "", "", "", null)), true, "info"), InfoReply::decode),
                sample(new DetailedInfoItem("dev", RUNNING, "4G", "20G", "2", DETAILS), DetailedInfoItem::decode),
                sample(new InstanceStatus(InstanceStatus.Status.UNAVAILABLE), InstanceStatus::decode),
                sample(DETAILS, InstanceDetails::decode),
                sample(new ListRequest(2, true, true), ListRequest::decode),
                sample(new ListVMInstance("dev", RUNNING, List.of("10.0.0.2", ""), "24.04 LTS", "Ubuntu"), ListVMInstance::decode),
                sample(new InstancesList(List.of(new ListVMInstance("a", RUNNING, List.of(), "", ""))), InstancesList::decode),
                sample(new ListReply(new InstancesList(List.of(new ListVMInstance("dev", RUNNING, List.of("10.0.0.2"), "24.04", "Ubuntu"),
                        new ListVMInstance("old", new InstanceStatus(InstanceStatus.Status.DELETED), List.of(), "", ""))), "listing"),
                        ListReply::decode),
                sample(new ListReply(new InstancesList(List.of()), ""), ListReply::decode),
                sample(new PingRequest(), PingRequest::decode),
                sample(new PingReply(), PingReply::decode),
                sample(NAMES, InstanceNames::decode),
                sample(new RecoverRequest(NAMES, 1), RecoverRequest::decode),
                sample(new RecoverReply("recovered"), RecoverReply::decode),
                sample(new StartRequest(NAMES, 2, 300), StartRequest::decode),
                sample(new StartReply("starting", "Started", true), StartReply::decode),
                sample(new StopRequest(NAMES, 5, true, 1, true), StopRequest::decode),
                sample(new StopReply("stopping"), StopReply::decode),
                sample(new SuspendRequest(NAMES, 4), SuspendRequest::decode),
                sample(new SuspendReply("suspending"), SuspendReply::decode),
                sample(new RestartRequest(NAMES, 1, 120), RestartRequest::decode),
                sample(new RestartReply("restarting", "Restarted", true), RestartReply::decode),
                sample(new DeleteRequest(List.of(new InstanceSnapshotPair("dev", null)), true, 2, true), DeleteRequest::decode),
                sample(new DeleteReply("deleting", List.of("dev"), true), DeleteReply::decode),
                sample(new VersionRequest(1), VersionRequest::decode),
                sample(new VersionReply("1.14.0", "version"), VersionReply::decode),
                sample(new GetRequest("local.driver", 1), GetRequest::decode),
                sample(new GetReply("qemu", "got"), GetReply::decode),
                sample(new SetRequest("local.passphrase", "s3cret-value", 1, true), SetRequest::decode),
                sample(new SetReply("set", "done", true), SetReply::decode),
                sample(new KeysRequest(1), KeysRequest::decode),
                sample(new KeysReply("keys", List.of("client.primary-name", "local.driver")), KeysReply::decode),
                sample(new AuthenticateRequest("correct horse battery staple", 1), AuthenticateRequest::decode),
                sample(new AuthenticateReply("authenticated"), AuthenticateReply::decode),
                sample(CLIENT, TrustedClient::decode),
                sample(new TrustListRequest(1), TrustListRequest::decode),
                sample(new TrustListReply("trust", List.of(CLIENT, new TrustedClient("01:02", "bob", "1001", "admin", "x"))),
                        TrustListReply::decode),
                sample(new TrustRemoveRequest(List.of("ab:cd", "01"), 1), TrustRemoveRequest::decode),
                sample(new TrustRemoveReply("removed", List.of(CLIENT)), TrustRemoveReply::decode),
                sample(new TrustStatusRequest(2), TrustStatusRequest::decode),
                sample(new TrustStatusReply("status", "alice", "1000", "ab:cd:ef", true, "passphrase", "2024-05-01T10:00:00Z"),
                        TrustStatusReply::decode));
    }

    private static Sample sample(RpcMessage message, RpcMessage.Decoder<?> decoder) {
        return new Sample(message, decoder);
    }
}
