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

import java.util.Collection;
import java.util.List;
import java.util.Objects;

import reactor.core.publisher.Mono;

/**
 * Where a {@link LoadBalancer} learns its backends. Asked once at start and then every
 * update interval; a change of the set swaps in a new {@link Backends} snapshot, while
 * requests in progress keep the backend they have.
 *
 * <p>
 * Pingora counterpart: {@code pingora_load_balancing::discovery::ServiceDiscovery}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ServiceDiscovery {

	/**
	 * Discover the backends. Must not block.
	 * @return the backends; an error keeps the current ones
	 */
	Mono<Collection<Backend>> discover();

	/**
	 * Return a discovery of a fixed set of backends (Pingora's {@code Static}).
	 * @param backends the backends
	 * @return the discovery
	 */
	static ServiceDiscovery of(Collection<Backend> backends) {
		return new StaticDiscovery(List.copyOf(backends));
	}

	/**
	 * A fixed set of backends.
	 *
	 * @param backends the backends
	 */
	record StaticDiscovery(List<Backend> backends) implements ServiceDiscovery {

		/**
		 * Create a static discovery.
		 * @param backends the backends
		 */
		public StaticDiscovery {
			Objects.requireNonNull(backends, "backends");
		}

		@Override
		public Mono<Collection<Backend>> discover() {
			return Mono.just(this.backends);
		}

	}

}
