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

package dev.pingora.error;

/**
 * Whether the request that failed with an error may be tried again on an upstream.
 *
 * <p>
 * Pingora counterpart: {@code pingora_error::RetryType} ({@code Decided(bool)} and
 * {@code ReusedOnly}).
 *
 * @since 0.1.0
 */
public enum RetryType {

	/**
	 * Do not retry.
	 */
	NEVER,

	/**
	 * Retry: the proxy calls {@code upstreamPeer} again for another attempt.
	 */
	ALWAYS,

	/**
	 * Retry only if the failed attempt used a connection taken from the pool (a reused
	 * connection that the origin may have closed while it sat idle) and the request body,
	 * if any, still fits in the retry buffer. The default {@code errorWhileProxy} turns
	 * this into {@link #ALWAYS} or {@link #NEVER}.
	 */
	REUSED_ONLY

}
