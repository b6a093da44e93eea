// SPDX-License-Identifier: Apache-2.0
package multipass.api;

import multipass.proto.Timestamp;
import multipass.rpc.DetailedInfoItem;
import multipass.rpc.InstanceDetails;
import multipass.rpc.InstanceStatus;
import multipass.rpc.ListVMInstance;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An instance's record (the daemon's inventory, the CLI's tables) as Multipass's list and info
 * messages carry it, and back:
 *
 * <pre>
 *   record      ListVMInstance      DetailedInfoItem / InstanceDetails
 *   name        name                name
 *   state       instance_status     instance_status
 *   ipv4        ipv4 ("--": none)   instance_info.ipv4
 *   image       current_release     instance_info.image_release (and current_release)
 *   cpus                            cpu_count
 *   memory                          memory_total (bytes)
 *   disk                            disk_total (bytes)
 *   created                         instance_info.creation_timestamp
 *   backend                         instance_info.os (what runs it: here, no virtual machine)
 * </pre>
 * Stateless.
 */
final class InstanceMessages {
    private static final String NO_ADDRESS = "--";

    private InstanceMessages() {
    }

    static ListVMInstance listEntry(Map<String, String> record) {
        return new ListVMInstance(record.get("name"), status(record.get("state")), addresses(record.get("ipv4")),
                record.getOrDefault("image", ""), "");
    }

    static Map<String, String> listRecord(ListVMInstance instance) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("name", instance.name());
        record.put("state", label(instance.instanceStatus()));
        record.put("ipv4", address(instance.ipv4()));
        record.put("image", instance.currentRelease());
        return record;
    }

    static DetailedInfoItem infoEntry(Map<String, String> record) {
        String image = record.getOrDefault("image", "");
        InstanceDetails details = new InstanceDetails(image, image, "", "", "", "", addresses(record.get("ipv4")), null, "", "",
                timestamp(record.get("created")), record.getOrDefault("backend", ""));
        return new DetailedInfoItem(record.get("name"), status(record.get("state")), record.getOrDefault("memory", ""),
                record.getOrDefault("disk", ""), record.getOrDefault("cpus", ""), details);
    }

    static Map<String, String> infoRecord(DetailedInfoItem item) {
        InstanceDetails details = item.instanceInfo();
        Map<String, String> record = new LinkedHashMap<>();
        record.put("name", item.name());
        record.put("state", label(item.instanceStatus()));
        record.put("ipv4", details == null ? NO_ADDRESS : address(details.ipv4()));
        record.put("image", details == null ? "" : details.imageRelease());
        record.put("cpus", item.cpuCount());
        record.put("memory", item.memoryTotal());
        record.put("disk", item.diskTotal());
        record.put("created", details == null || details.creationTimestamp() == null ? "" : details.creationTimestamp().toInstant().toString());
        record.put("backend", details == null ? "" : details.os());
        return record;
    }

    /** The wire status of a state label ({@code Running}, {@code Stopped}, {@code Deleted}...). */
    private static InstanceStatus status(String label) {
        String name = label == null ? "" : label.toUpperCase(Locale.ROOT).replace(' ', '_');
        for (InstanceStatus.Status status : InstanceStatus.Status.values()) {
            if (status.name().equals(name)) {
                return new InstanceStatus(status);
            }
        }
        return InstanceStatus.UNKNOWN;
    }

    /** A status's label, as Multipass prints it: {@code Running}, {@code Delayed shutdown}. */
    private static String label(InstanceStatus status) {
        String name = (status == null ? InstanceStatus.Status.UNKNOWN : status.status()).name().replace('_', ' ');
        return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }

    private static List<String> addresses(String ipv4) {
        return ipv4 == null || ipv4.isEmpty() || ipv4.equals(NO_ADDRESS) ? List.of() : List.of(ipv4.split(",\\s*"));
    }

    private static String address(List<String> ipv4) {
        return ipv4.isEmpty() ? NO_ADDRESS : String.join(", ", ipv4);
    }

    private static Timestamp timestamp(String created) {
        if (created == null || created.isEmpty()) {
            return null;
        }
        try {
            return Timestamp.of(Instant.parse(created));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
