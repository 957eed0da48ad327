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

import java.util.Iterator;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link LoadBalancer} picks among its backends: builds a selector over a fixed
 * list of backends, which then names the candidates for each request in order of
 * preference.
 *
 * <p>
 * Pingora counterpart: {@code pingora_load_balancing::selection::BackendSelection}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface BackendSelection {

	/**
	 * Build a selector over a list of backends.
	 * @param backends the backends, at least one
	 * @return the selector
	 */
	Selector build(List<Backend> backends);

	/**
	 * Return weighted round robin: each backend gets a share of requests proportional to
	 * its weight, spread out evenly (the "smooth" weighted round robin of nginx).
	 * @return the selection
	 */
	static BackendSelection roundRobin() {
		return RoundRobin.INSTANCE;
	}

	/**
	 * Names candidate backends for a request.
	 */
	@FunctionalInterface
	interface Selector {

		/**
		 * Return the candidates for one request, most preferred first. The iterator may
		 * name a backend more than once and need not end.
		 * @param key the request's key for key-based selections, or {@code null}
		 * @return the candidates
		 */
		Iterator<Backend> candidates(byte @Nullable [] key);

	}

}
