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

package dev.pingora.lb.selection;

import java.util.Iterator;

import dev.pingora.lb.Backend;
import dev.pingora.lb.Backends;

/**
 * How a {@link dev.pingora.lb.LoadBalancer} picks among its backends: builds a
 * {@link Selector} over a snapshot of backends, which then names the candidates for each
 * request in order of preference. The load balancer walks the candidates, skips backends
 * it has seen or that are not ready (unhealthy, disabled, ejected) and takes the first
 * one left.
 *
 * <p>
 * Pingora counterpart: {@code pingora_load_balancing::selection::BackendSelection}.
 * {@link #leastRequest()} has none: Pingora offers no load-aware selection.
 *
 * @since 0.1.0
 */
public interface BackendSelection {

	/**
	 * Build a selector over a snapshot of backends. Called again each time discovery
	 * changes the set.
	 * @param backends the backends, possibly none
	 * @return the selector
	 */
	Selector build(Backends backends);

	/**
	 * Return the name of this selection, as shown by Actuator.
	 * @return the name
	 */
	default String name() {
		return getClass().getSimpleName();
	}

	/**
	 * Return round robin over the weight-expanded list (Pingora's {@code RoundRobin}): a
	 * backend of weight {@code w} appears {@code w} times in a row in the list, one
	 * shared counter walks it. When the first pick is not ready, the next candidates are
	 * drawn from the backends without weights.
	 * @return the selection
	 */
	static BackendSelection roundRobin() {
		return Weighted.ROUND_ROBIN;
	}

	/**
	 * Return smooth weighted round robin (nginx's {@code round-robin}): each backend gets
	 * a share of requests proportional to its weight, and the picks of different backends
	 * interleave instead of coming in runs.
	 * @return the selection
	 */
	static BackendSelection weightedRoundRobin() {
		return SmoothWeightedRoundRobin.INSTANCE;
	}

	/**
	 * Return weighted random selection (Pingora's {@code Random}).
	 * @return the selection
	 */
	static BackendSelection random() {
		return Weighted.RANDOM;
	}

	/**
	 * Return hashing of the request key with 64-bit FNV-1a over the weight-expanded list
	 * (Pingora's {@code FNVHash}). Adding or removing a backend moves most keys; use
	 * {@link #consistent()} when that matters.
	 * @return the selection
	 */
	static BackendSelection fnvHash() {
		return Weighted.FNV;
	}

	/**
	 * Return Ketama consistent hashing (Pingora's {@code KetamaHashing}, the point layout
	 * of nginx's {@code hash ... consistent}): 160 points per unit of weight on a CRC32
	 * ring. Removing one of {@code N} backends moves only the keys it had, about
	 * {@code 1/N} of them; fallbacks walk the ring.
	 * @return the selection
	 */
	static BackendSelection consistent() {
		return Ketama.INSTANCE;
	}

	/**
	 * Return least-request selection by the power of two choices: two backends drawn at
	 * random (in proportion to weight), the one with fewer requests in progress per unit
	 * of weight wins. Needs the request accounting of
	 * {@link dev.pingora.lb.LoadBalancer#started(Backend)}.
	 * @return the selection
	 */
	static BackendSelection leastRequest() {
		return LeastRequest.INSTANCE;
	}

	/**
	 * Names candidate backends for a request.
	 */
	@FunctionalInterface
	interface Selector {

		/**
		 * Return the candidates for one request, most preferred first. The iterator may
		 * name a backend more than once and need not end; it is empty only when there are
		 * no backends.
		 * @param key the request's key for key-based selections (empty when there is
		 * none)
		 * @return the candidates
		 */
		Iterator<Backend> candidates(byte[] key);

	}

}
