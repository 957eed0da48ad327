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

package dev.pingora.upstream;

import java.time.Duration;
import java.util.Objects;

/**
 * TCP keepalive settings for upstream connections: after {@code idle} without traffic the
 * kernel sends up to {@code count} probes {@code interval} apart, and drops the
 * connection if none is answered. The idle time and interval are applied with the native
 * epoll transport; on other transports only {@code SO_KEEPALIVE} is set.
 *
 * @param idle the idle time before the first probe, at least one second
 * @param interval the time between probes, at least one second
 * @param count the number of unanswered probes before the connection is dropped, at least
 * 1
 * @since 0.1.0
 */
public record TcpKeepalive(Duration idle, Duration interval, int count) {

	/**
	 * Create keepalive settings.
	 * @param idle the idle time before the first probe, at least one second
	 * @param interval the time between probes, at least one second
	 * @param count the number of unanswered probes, at least 1
	 */
	public TcpKeepalive {
		Objects.requireNonNull(idle, "idle");
		Objects.requireNonNull(interval, "interval");
		if (idle.getSeconds() < 1) {
			throw new IllegalArgumentException("idle: " + idle + " (expected: >= 1s)");
		}
		if (interval.getSeconds() < 1) {
			throw new IllegalArgumentException("interval: " + interval + " (expected: >= 1s)");
		}
		if (count < 1) {
			throw new IllegalArgumentException("count: " + count + " (expected: >= 1)");
		}
	}

}
