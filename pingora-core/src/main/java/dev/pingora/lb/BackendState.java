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

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.pingora.time.Ticker;

/**
 * The live state of one backend in a {@link LoadBalancer}: whether it is healthy (active
 * health checks), enabled (an administrative switch), ejected (passive health: failures
 * seen on real traffic), and how many requests it has in progress, served and failed. A
 * backend keeps its state object as long as discovery keeps listing it.
 *
 * <p>
 * Thread-safe. The counters are updated on the request path without locks.
 *
 * @since 0.1.0
 */
public final class BackendState {

	private final Backend backend;

	private volatile boolean healthy = true;

	private volatile boolean enabled = true;

	private volatile long ejectedUntil;

	// Consecutive active-check results that disagree with the current state. Only the
	// health-check loop touches it, one check per backend at a time.
	private int flipCounter;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final AtomicInteger inflight = new AtomicInteger();

	private final LongAdder requests = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final LongAdder ejections = new LongAdder();

	BackendState(Backend backend) {
		this.backend = backend;
	}

	/**
	 * Return the backend.
	 * @return the backend
	 */
	public Backend backend() {
		return this.backend;
	}

	/**
	 * Whether the latest active health checks found the backend healthy. A backend is
	 * healthy until checks say otherwise.
	 * @return {@code true} if healthy
	 */
	public boolean isHealthy() {
		return this.healthy;
	}

	/**
	 * Whether the backend is enabled. A disabled backend gets no new requests; requests
	 * in progress finish.
	 * @return {@code true} if enabled
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Whether passive health checking has ejected the backend at the given time.
	 * @param now the current {@link dev.pingora.time.Ticker} reading, in nanoseconds
	 * @return {@code true} if ejected
	 */
	public boolean isEjected(long now) {
		long until = this.ejectedUntil;
		return until != 0 && now - until < 0;
	}

	boolean isEjected(Ticker ticker) {
		long until = this.ejectedUntil;
		return until != 0 && ticker.read() - until < 0;
	}

	/**
	 * Return how many requests are in progress on the backend.
	 * @return the requests in progress
	 */
	public int inflight() {
		return this.inflight.get();
	}

	/**
	 * Return how many requests were sent to the backend.
	 * @return the count
	 */
	public long requests() {
		return this.requests.sum();
	}

	/**
	 * Return how many requests to the backend failed (connect failures, timeouts, resets
	 * before a response).
	 * @return the count
	 */
	public long failures() {
		return this.failures.sum();
	}

	/**
	 * Return how many times passive health checking ejected the backend.
	 * @return the count
	 */
	public long ejections() {
		return this.ejections.sum();
	}

	void started() {
		this.inflight.incrementAndGet();
		this.requests.increment();
	}

	void finished() {
		this.inflight.decrementAndGet();
	}

	/**
	 * Count a failure seen on real traffic.
	 * @return the number of consecutive failures, this one included
	 */
	int failed() {
		this.failures.increment();
		return this.consecutiveFailures.incrementAndGet();
	}

	void succeeded() {
		if (this.consecutiveFailures.get() != 0) {
			this.consecutiveFailures.set(0);
		}
	}

	void eject(long until) {
		this.ejectedUntil = (until == 0) ? 1 : until;
		this.consecutiveFailures.set(0);
		this.ejections.increment();
	}

	/**
	 * Record the result of an active health check (Pingora's
	 * {@code Health::observe_health}): a result that disagrees with the current state
	 * counts towards the threshold, and reaching it flips the state; a result that agrees
	 * resets the count.
	 * @param success whether the check passed
	 * @param threshold how many consecutive disagreeing results flip the state
	 * @return {@code true} if the state flipped
	 */
	boolean observe(boolean success, int threshold) {
		if (this.healthy == success) {
			this.flipCounter = 0;
			return false;
		}
		if (++this.flipCounter < threshold) {
			return false;
		}
		this.flipCounter = 0;
		this.healthy = success;
		return true;
	}

	@Override
	public String toString() {
		return this.backend + (this.healthy ? " healthy" : " unhealthy") + (this.enabled ? "" : ", disabled");
	}

}
