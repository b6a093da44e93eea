// SPDX-License-Identifier: Apache-2.0
package multipass.cli;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link TrustManagementIntegrationTest} again, every command through a warm client ({@link WarmMode}): the same results. */
@ExtendWith(WarmMode.On.class)
class TrustManagementWarmIntegrationTest extends TrustManagementIntegrationTest {
}
