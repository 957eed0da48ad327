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

package dev.pingora.server;

import reactor.core.publisher.Mono;

/**
 * Work a {@link Server} runs beside the proxy for its whole life, such as a
 * {@link dev.pingora.lb.LoadBalancer}'s discovery and health checks. The server starts
 * its background services before it binds its listeners and waits (a bounded time) for
 * each to be ready, so the first request already sees discovered, checked backends; it
 * stops them after the last request.
 *
 * <p>
 * Pingora counterpart: {@code pingora_core::services::background::BackgroundService}.
 *
 * @since 0.1.0
 */
public interface BackgroundService {

	/**
	 * Start the service; calling it again does nothing.
	 * @return a {@code Mono} that completes when the service is ready (for a load
	 * balancer: after its first discovery and health-check round)
	 */
	Mono<Void> start();

	/**
	 * Stop the service. Must not block.
	 */
	void stop();

	/**
	 * Return a name for logs.
	 * @return the name
	 */
	default String name() {
		return getClass().getSimpleName();
	}

}
