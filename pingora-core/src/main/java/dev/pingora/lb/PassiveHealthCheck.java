/*
 * Copyright 2026 the pingora-spring-boot authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.pingora.lb;

import java.time.Duration;
import java.util.Objects;

/**
 * Passive health checking, or outlier ejection: a backend that fails
 * {@code consecutiveFailures} requests in a row on real traffic (connect failures,
 * timeouts, connections lost before a response) is taken out of rotation for
 * {@code coolDown}, then put back. Passive checks never eject the last ready backend of
 * an upstream: with every other backend already out, failing traffic is better than no
 * traffic.
 *
 * <p>
 * Pingora has no passive checks; this follows nginx's
 * {@code max_fails}/{@code fail_timeout} and Envoy's outlier detection.
 *
 * @param consecutiveFailures how many consecutive failures eject a backend, 1 or more
 * @param coolDown how long an ejected backend stays out, positive
 * @since 0.1.0
 */
public record PassiveHealthCheck(int consecutiveFailures, Duration coolDown) {

	/**
	 * Create passive health-check settings.
	 * @param consecutiveFailures how many consecutive failures eject a backend, 1 or more
	 * @param coolDown how long an ejected backend stays out, positive
	 */
	public PassiveHealthCheck {
		if (consecutiveFailures < 1) {
			throw new IllegalArgumentException("consecutiveFailures: " + consecutiveFailures + " (expected: >= 1)");
		}
		Objects.requireNonNull(coolDown, "coolDown");
		if (coolDown.isNegative() || coolDown.isZero()) {
			throw new IllegalArgumentException("coolDown: " + coolDown + " (expected: > 0)");
		}
	}

}
