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

package dev.pingora.lb.health;

import dev.pingora.lb.Backend;
import reactor.core.publisher.Mono;

/**
 * An active health check: probes one backend. A {@link dev.pingora.lb.LoadBalancer} runs
 * it for every backend each interval and flips a backend's health after
 * {@link #threshold(boolean) enough} consecutive results that disagree with it.
 *
 * <p>
 * Pingora counterpart: {@code pingora_load_balancing::health_check::HealthCheck}.
 *
 * @since 0.1.0
 * @see TcpHealthCheck
 * @see HttpHealthCheck
 */
public interface HealthCheck {

	/**
	 * Probe a backend. Must not block; must end by itself (time out) within a bounded
	 * time.
	 * @param backend the backend
	 * @return a {@code Mono} that completes if the backend is healthy and fails with the
	 * reason if it is not
	 */
	Mono<Void> check(Backend backend);

	/**
	 * Return how many consecutive results disagreeing with a backend's current health
	 * flip it.
	 * @param success {@code true} for the number of passed checks that make an unhealthy
	 * backend healthy, {@code false} for the number of failed checks that make a healthy
	 * one unhealthy
	 * @return the threshold, 1 or more; 1 by default, as in Pingora
	 */
	default int threshold(boolean success) {
		return 1;
	}

	/**
	 * Called when a backend's health flips. The default does nothing (the load balancer
	 * logs the change).
	 * @param backend the backend
	 * @param healthy its new health
	 */
	default void statusChanged(Backend backend, boolean healthy) {
	}

}
