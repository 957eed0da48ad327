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

package dev.pingora.cache;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what a cache did, for metrics: how requests ended with the cache, and how
 * often they waited for the cache lock.
 *
 * @since 0.1.0
 */
public final class CacheStats {

	private final LongAdder[] phases = new LongAdder[CachePhase.values().length];

	private final LongAdder lockWaits = new LongAdder();

	private final LongAdder purges = new LongAdder();

	/**
	 * Create zeroed counters.
	 */
	public CacheStats() {
		for (int i = 0; i < this.phases.length; i++) {
			this.phases[i] = new LongAdder();
		}
	}

	/**
	 * Count a request that ended in a phase.
	 * @param phase the phase the response was served in
	 */
	public void record(CachePhase phase) {
		this.phases[phase.ordinal()].increment();
	}

	/**
	 * Count a wait for the cache lock.
	 */
	public void lockWait() {
		this.lockWaits.increment();
	}

	/**
	 * Count a purge that removed a response.
	 */
	public void purged() {
		this.purges.increment();
	}

	/**
	 * Return how many requests ended in a phase.
	 * @param phase the phase
	 * @return the count
	 */
	public long count(CachePhase phase) {
		return this.phases[phase.ordinal()].sum();
	}

	/**
	 * Return how many times a request waited for the cache lock.
	 * @return the count
	 */
	public long lockWaits() {
		return this.lockWaits.sum();
	}

	/**
	 * Return how many purges removed a response.
	 * @return the count
	 */
	public long purges() {
		return this.purges.sum();
	}

}
