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

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.pingora.time.Ticker;

/**
 * A cache that requests can use: its storage, cache lock, predictor and limits. One is
 * shared by every request that enables it with {@link HttpCache#enable(CacheConfig)},
 * typically in {@code requestCacheFilter}.
 *
 * <p>
 * Pingora counterpart: the arguments of {@code HttpCache::enable} (storage, eviction,
 * predictor, cache lock, overrides) and {@code set_max_file_size_bytes}.
 *
 * @since 0.1.0
 */
public final class CacheConfig {

	private final Storage storage;

	private final @Nullable CacheLock lock;

	private final Duration lockWaitTimeout;

	private final @Nullable Predictor predictor;

	private final long maxFileSize;

	private final @Nullable String statusHeader;

	private final Clock clock;

	private final Duration defaultStaleWhileRevalidate;

	private final Duration defaultStaleIfError;

	private final CacheStats stats = new CacheStats();

	private CacheConfig(Builder builder) {
		this.storage = builder.storage;
		this.lock = builder.lock;
		this.lockWaitTimeout = builder.lockWaitTimeout;
		this.predictor = builder.predictor;
		this.maxFileSize = builder.maxFileSize;
		this.statusHeader = builder.statusHeader;
		this.clock = builder.clock;
		this.defaultStaleWhileRevalidate = builder.defaultStaleWhileRevalidate;
		this.defaultStaleIfError = builder.defaultStaleIfError;
	}

	/**
	 * Return the stale-while-revalidate allowance of responses that give none.
	 * @return the allowance, zero for none
	 */
	public Duration defaultStaleWhileRevalidate() {
		return this.defaultStaleWhileRevalidate;
	}

	/**
	 * Return the stale-if-error allowance of responses that give none.
	 * @return the allowance, zero for none
	 */
	public Duration defaultStaleIfError() {
		return this.defaultStaleIfError;
	}

	/**
	 * Start a configuration.
	 * @param storage where responses are kept
	 * @return a builder with a cache lock (10 s age and wait timeouts), a predictor of
	 * 16,384 keys, no largest response beyond the storage's own, and no status header
	 */
	public static Builder builder(Storage storage) {
		return new Builder(storage);
	}

	/**
	 * Return the storage.
	 * @return the storage
	 */
	public Storage storage() {
		return this.storage;
	}

	/**
	 * Return the cache lock, if requests for one key are collapsed.
	 * @return the lock, or {@code null}
	 */
	public @Nullable CacheLock lock() {
		return this.lock;
	}

	/**
	 * Return how long, in all, a request waits for the cache lock before it goes to the
	 * origin uncached.
	 * @return the wait timeout
	 */
	public Duration lockWaitTimeout() {
		return this.lockWaitTimeout;
	}

	/**
	 * Return the predictor of uncacheable keys, if any.
	 * @return the predictor, or {@code null}
	 */
	public @Nullable Predictor predictor() {
		return this.predictor;
	}

	/**
	 * Return the largest response body stored, in bytes.
	 * @return the size, or {@code -1} for no limit beyond the storage's
	 */
	public long maxFileSize() {
		return this.maxFileSize;
	}

	/**
	 * Return the name of the response header that tells the client the cache phase.
	 * @return the name, or {@code null} for none
	 */
	public @Nullable String statusHeader() {
		return this.statusHeader;
	}

	/**
	 * Return the wall clock ages and freshness are computed with.
	 * @return the clock
	 */
	public Clock clock() {
		return this.clock;
	}

	/**
	 * Return the counters of this cache.
	 * @return the counters
	 */
	public CacheStats stats() {
		return this.stats;
	}

	/**
	 * Builds a {@link CacheConfig}.
	 */
	public static final class Builder {

		private final Storage storage;

		private @Nullable CacheLock lock = new CacheLock(Duration.ofSeconds(10), Ticker.system());

		private Duration lockWaitTimeout = Duration.ofSeconds(10);

		private @Nullable Predictor predictor = new Predictor(16_384);

		private long maxFileSize = -1;

		private @Nullable String statusHeader;

		private Clock clock = Clock.systemUTC();

		private Duration defaultStaleWhileRevalidate = Duration.ZERO;

		private Duration defaultStaleIfError = Duration.ZERO;

		private Builder(Storage storage) {
			this.storage = Objects.requireNonNull(storage, "storage");
		}

		/**
		 * Collapse concurrent misses of one key with this lock.
		 * @param lock the lock, or {@code null} for none (every miss goes to the origin)
		 * @return this builder
		 */
		public Builder lock(@Nullable CacheLock lock) {
			this.lock = lock;
			return this;
		}

		/**
		 * Set how long, in all, a request waits for the cache lock.
		 * @param timeout the wait timeout, positive
		 * @return this builder
		 */
		public Builder lockWaitTimeout(Duration timeout) {
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("lockWaitTimeout: " + timeout + " (expected: > 0)");
			}
			this.lockWaitTimeout = timeout;
			return this;
		}

		/**
		 * Remember uncacheable keys with this predictor.
		 * @param predictor the predictor, or {@code null} for none
		 * @return this builder
		 */
		public Builder predictor(@Nullable Predictor predictor) {
			this.predictor = predictor;
			return this;
		}

		/**
		 * Store no response body larger than this.
		 * @param bytes the size, or {@code -1} for no limit beyond the storage's
		 * @return this builder
		 */
		public Builder maxFileSize(long bytes) {
			if (bytes < -1 || bytes == 0) {
				throw new IllegalArgumentException("maxFileSize: " + bytes + " (expected: > 0, or -1)");
			}
			this.maxFileSize = bytes;
			return this;
		}

		/**
		 * Tell clients the cache phase in this response header (such as
		 * {@code X-Cache-Status}).
		 * @param name the header name, or {@code null} for none
		 * @return this builder
		 */
		public Builder statusHeader(@Nullable String name) {
			this.statusHeader = (name != null && !name.isBlank()) ? name : null;
			return this;
		}

		/**
		 * Use this wall clock (tests use a fixed one).
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Let responses without a {@code stale-while-revalidate} directive be served
		 * stale this long while they are refreshed (never those that forbid stale
		 * serving).
		 * @param allowance the allowance, zero for none
		 * @return this builder
		 */
		public Builder defaultStaleWhileRevalidate(Duration allowance) {
			this.defaultStaleWhileRevalidate = notNegative("defaultStaleWhileRevalidate", allowance);
			return this;
		}

		/**
		 * Let responses without a {@code stale-if-error} directive be served stale this
		 * long when the origin fails (never those that forbid stale serving).
		 * @param allowance the allowance, zero for none
		 * @return this builder
		 */
		public Builder defaultStaleIfError(Duration allowance) {
			this.defaultStaleIfError = notNegative("defaultStaleIfError", allowance);
			return this;
		}

		private static Duration notNegative(String name, Duration value) {
			if (value.isNegative()) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
			}
			return value;
		}

		/**
		 * Build the configuration.
		 * @return the configuration
		 */
		public CacheConfig build() {
			return new CacheConfig(this);
		}

	}

}
