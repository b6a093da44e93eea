// SPDX-License-Identifier: Apache-2.0
package multipass.system;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * For a test class whose {@code @Order}ed methods are the steps of one scenario sharing state:
 * once a step fails, the later steps are skipped with a message naming it, instead of failing
 * in confusing ways on a state the scenario never reached. Register it with
 * {@code @RegisterExtension} on a static field, or on a field of a
 * {@code @TestInstance(PER_CLASS)} class, so that one instance sees all the steps.
 */
final class OrderedSteps implements BeforeEachCallback, TestWatcher {
    private volatile String firstFailure;

    @Override
    public void beforeEach(ExtensionContext context) {
        String failed = firstFailure;
        assumeTrue(failed == null, () -> "skipped: an earlier step failed (" + failed + "), and this step depends on it");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (firstFailure == null) {
            String name = context.getDisplayName();
            int end = name.indexOf(". ");
            firstFailure = end > 0 && name.substring(0, end).chars().allMatch(Character::isDigit) ? "step " + name.substring(0, end) : name;
        }
    }
}
