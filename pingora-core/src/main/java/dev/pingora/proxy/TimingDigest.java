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

package dev.pingora.proxy;

import java.time.Duration;

/**
 * When each step of a request happened, read from the engine's
 * {@link dev.pingora.time.Ticker} in nanoseconds. A step that did not happen (yet) reads
 * 0. Upstream steps describe the latest attempt.
 *
 * <p>
 * Pingora counterpart: {@code pingora_core::protocols::TimingDigest} and the digest
 * passed to {@code connected_to_upstream}.
 *
 * @since 0.1.0
 */
public interface TimingDigest {

	/**
	 * Return when the downstream connection that carries the request was accepted.
	 * @return ticker nanoseconds
	 */
	long connectionAccepted();

	/**
	 * Return when the request header had been read and the request entered the proxy.
	 * @return ticker nanoseconds
	 */
	long requestHeaderRead();

	/**
	 * Return when {@code upstreamPeer} returned the peer of the latest attempt.
	 * @return ticker nanoseconds, or 0
	 */
	long peerSelected();

	/**
	 * Return when the latest attempt had its upstream connection (new or reused).
	 * @return ticker nanoseconds, or 0
	 */
	long upstreamConnected();

	/**
	 * Whether the latest attempt reused a pooled connection.
	 * @return {@code true} for a reused connection, {@code false} for a new one or none
	 */
	boolean upstreamReused();

	/**
	 * Return when the upstream request (header and body) had been written.
	 * @return ticker nanoseconds, or 0
	 */
	long requestSent();

	/**
	 * Return when the upstream response header arrived.
	 * @return ticker nanoseconds, or 0
	 */
	long firstResponseByte();

	/**
	 * Return when the request was done, just before {@code logging}.
	 * @return ticker nanoseconds, or 0
	 */
	long done();

	/**
	 * Return the time between two steps.
	 * @param from the earlier step, in ticker nanoseconds
	 * @param to the later step, in ticker nanoseconds
	 * @return the duration, or {@link Duration#ZERO} if either step did not happen
	 */
	static Duration between(long from, long to) {
		return (from == 0 || to == 0 || to < from) ? Duration.ZERO : Duration.ofNanos(to - from);
	}

}
