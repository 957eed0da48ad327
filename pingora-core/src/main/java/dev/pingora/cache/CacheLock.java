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

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.pingora.time.Ticker;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Collapsed forwarding: of the requests that miss the same key at the same time, the
 * first gets a {@link WritePermit} and goes to the origin; the others get a
 * {@link ReadLock} and wait for it, then look the key up again. A writer that holds the
 * lock longer than the age timeout loses it (its readers compete again; the writer keeps
 * fetching), and a reader waits at most its wait timeout, after which it goes to the
 * origin uncached.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::lock::CacheLock}.
 *
 * @since 0.1.0
 */
public final class CacheLock {

	private final ConcurrentHashMap<CacheKey, Holder> locks = new ConcurrentHashMap<>();

	private final Duration ageTimeout;

	private final Ticker ticker;

	/**
	 * Create a lock table.
	 * @param ageTimeout how long a writer may hold a lock, more than zero
	 * @param ticker the clock the ages are measured with
	 */
	public CacheLock(Duration ageTimeout, Ticker ticker) {
		Objects.requireNonNull(ageTimeout, "ageTimeout");
		if (ageTimeout.isZero() || ageTimeout.isNegative()) {
			throw new IllegalArgumentException("ageTimeout: " + ageTimeout + " (expected: > 0)");
		}
		this.ageTimeout = ageTimeout;
		this.ticker = Objects.requireNonNull(ticker, "ticker");
	}

	/**
	 * Take the lock of a key: as its writer if nobody holds it (or its holder is too
	 * old), as a reader otherwise.
	 * @param key the key
	 * @return a write permit or a read lock
	 */
	public Locked lock(CacheKey key) {
		long now = this.ticker.read();
		Holder[] created = new Holder[1];
		Holder holder = this.locks.compute(key, (k, existing) -> {
			if (existing != null && now - existing.since < this.ageTimeout.toNanos()) {
				return existing;
			}
			if (existing != null) {
				existing.done.tryEmitValue(Status.AGE_TIMEOUT);
			}
			created[0] = new Holder(now);
			return created[0];
		});
		if (created[0] == holder) {
			return new WritePermit(this, key, holder);
		}
		return new ReadLock(this, holder);
	}

	/**
	 * Return the number of keys locked now.
	 * @return the count
	 */
	public int size() {
		return this.locks.size();
	}

	/**
	 * How a wait ended.
	 */
	public enum Status {

		/** The writer stored the response: look it up again. */
		DONE,

		/** The writer failed (origin or storage error): compete for the lock again. */
		TRANSIENT_ERROR,

		/**
		 * The response is not cacheable: go to the origin yourself, without caching.
		 */
		GIVE_UP,

		/** The writer held the lock too long: compete for it again. */
		AGE_TIMEOUT,

		/** This reader waited too long: go to the origin, without caching. */
		WAIT_TIMEOUT

	}

	/**
	 * A lock taken, as writer or reader.
	 */
	public sealed interface Locked permits WritePermit, ReadLock {

	}

	/**
	 * The right to fetch and store the key's response; released exactly once.
	 */
	public static final class WritePermit implements Locked {

		private final CacheLock table;

		private final CacheKey key;

		private final Holder holder;

		WritePermit(CacheLock table, CacheKey key, Holder holder) {
			this.table = table;
			this.key = key;
			this.holder = holder;
		}

		/**
		 * Release the lock and tell the readers how it went.
		 * @param status {@link Status#DONE}, {@link Status#TRANSIENT_ERROR} or
		 * {@link Status#GIVE_UP}
		 */
		public void release(Status status) {
			this.table.locks.remove(this.key, this.holder);
			this.holder.done.tryEmitValue(status);
		}

	}

	/**
	 * A wait for the writer of a key.
	 */
	public static final class ReadLock implements Locked {

		private final CacheLock table;

		private final Holder holder;

		ReadLock(CacheLock table, Holder holder) {
			this.table = table;
			this.holder = holder;
		}

		/**
		 * Wait for the writer.
		 * @param waitTimeout the longest wait
		 * @return how the wait ended
		 */
		public Mono<Status> await(Duration waitTimeout) {
			long age = this.table.ticker.read() - this.holder.since;
			long ageLeft = Math.max(0, this.table.ageTimeout.toNanos() - age);
			Status onTimeout = (waitTimeout.toNanos() <= ageLeft) ? Status.WAIT_TIMEOUT : Status.AGE_TIMEOUT;
			Duration limit = Duration.ofNanos(Math.min(waitTimeout.toNanos(), ageLeft));
			return this.holder.done.asMono().timeout(limit, Mono.just(onTimeout));
		}

	}

	private static final class Holder {

		final long since;

		final Sinks.One<Status> done = Sinks.one();

		Holder(long since) {
			this.since = since;
		}

	}

}
