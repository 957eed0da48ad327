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
import java.util.Objects;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A fixed set of backends and the {@link BackendSelection} that spreads requests over
 * them. Thread-safe; selecting never blocks.
 *
 * <p>
 * Pingora counterpart: {@code pingora_load_balancing::LoadBalancer}. Health checks and
 * service discovery are not part of this version.
 *
 * @since 0.1.0
 */
public final class LoadBalancer {

	private final List<Backend> backends;

	private final BackendSelection selection;

	private final BackendSelection.Selector selector;

	private LoadBalancer(List<Backend> backends, BackendSelection selection) {
		this.backends = backends;
		this.selection = selection;
		this.selector = selection.build(backends);
	}

	/**
	 * Create a load balancer.
	 * @param backends the backends, at least one
	 * @param selection how to pick among them
	 * @return the load balancer
	 */
	public static LoadBalancer of(List<Backend> backends, BackendSelection selection) {
		Objects.requireNonNull(backends, "backends");
		Objects.requireNonNull(selection, "selection");
		if (backends.isEmpty()) {
			throw new IllegalArgumentException("backends: empty (expected: at least one)");
		}
		return new LoadBalancer(List.copyOf(backends), selection);
	}

	/**
	 * Pick a backend.
	 * @param key the request's key for key-based selections, or {@code null}
	 * @param maxIterations how many candidates to consider at most
	 * @param accept which candidates are acceptable (for example, not the one that just
	 * failed)
	 * @return the first acceptable candidate, or {@code null} if none was found
	 */
	public @Nullable Backend select(byte @Nullable [] key, int maxIterations, Predicate<Backend> accept) {
		Iterator<Backend> candidates = this.selector.candidates(key);
		for (int i = 0; i < maxIterations && candidates.hasNext(); i++) {
			Backend candidate = candidates.next();
			if (accept.test(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Pick a backend.
	 * @param key the request's key for key-based selections, or {@code null}
	 * @return the first candidate
	 */
	public Backend select(byte @Nullable [] key) {
		return this.selector.candidates(key).next();
	}

	/**
	 * Return the backends.
	 * @return the backends
	 */
	public List<Backend> backends() {
		return this.backends;
	}

	/**
	 * Return the selection.
	 * @return the selection
	 */
	public BackendSelection selection() {
		return this.selection;
	}

}
