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

package dev.pingora.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of the HTTP cache: its memory storage, cache lock, predictor,
 * status header and purging. The cache serves the routes of the routing proxy that enable
 * it ({@code pingora.routes[*].cache}, or every route with {@code enabled}); a
 * {@code ProxyHttp} of your own enables it in {@code requestCacheFilter} with the
 * {@code CacheConfig} bean.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("pingora.cache")
public class PingoraCacheProperties {

	/**
	 * Whether routes that do not set {@code cache} use the cache.
	 */
	private boolean enabled;

	/**
	 * The most memory stored responses take (bodies and header fields).
	 */
	private DataSize maxSize = DataSize.ofMegabytes(256);

	/**
	 * The largest response body stored; larger responses are proxied, not stored.
	 */
	private DataSize maxObjectSize = DataSize.ofMegabytes(8);

	/**
	 * Whether stored bodies live in direct memory instead of the heap: hits are written
	 * without a copy, and the bodies count against -XX:MaxDirectMemorySize.
	 */
	private boolean offHeap;

	/**
	 * The name of a response header that tells the cache phase (hit, miss, stale,
	 * stale-updating, expired, revalidated, no-cache, bypass), such as
	 * {@code X-Cache-Status}; none when empty.
	 */
	private @Nullable String statusHeader;

	/**
	 * How many keys the predictor remembers as uncacheable (their requests skip the
	 * lookup); 0 turns it off.
	 */
	private long predictorSize = 16_384;

	/**
	 * How long past freshness a response without a {@code stale-while-revalidate}
	 * directive may be served while it is refreshed in the background; never for
	 * responses that forbid stale serving.
	 */
	private Duration staleWhileRevalidate = Duration.ZERO;

	/**
	 * How long past freshness a response without a {@code stale-if-error} directive may
	 * be served when the origin fails; never for responses that forbid stale serving.
	 */
	private Duration staleIfError = Duration.ZERO;

	private final Lock lock = new Lock();

	private final Purge purge = new Purge();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public DataSize getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(DataSize maxSize) {
		this.maxSize = maxSize;
	}

	public DataSize getMaxObjectSize() {
		return this.maxObjectSize;
	}

	public void setMaxObjectSize(DataSize maxObjectSize) {
		this.maxObjectSize = maxObjectSize;
	}

	public boolean isOffHeap() {
		return this.offHeap;
	}

	public void setOffHeap(boolean offHeap) {
		this.offHeap = offHeap;
	}

	public @Nullable String getStatusHeader() {
		return this.statusHeader;
	}

	public void setStatusHeader(@Nullable String statusHeader) {
		this.statusHeader = statusHeader;
	}

	public long getPredictorSize() {
		return this.predictorSize;
	}

	public void setPredictorSize(long predictorSize) {
		this.predictorSize = predictorSize;
	}

	public Duration getStaleWhileRevalidate() {
		return this.staleWhileRevalidate;
	}

	public void setStaleWhileRevalidate(Duration staleWhileRevalidate) {
		this.staleWhileRevalidate = staleWhileRevalidate;
	}

	public Duration getStaleIfError() {
		return this.staleIfError;
	}

	public void setStaleIfError(Duration staleIfError) {
		this.staleIfError = staleIfError;
	}

	public Lock getLock() {
		return this.lock;
	}

	public Purge getPurge() {
		return this.purge;
	}

	/**
	 * The cache lock: concurrent misses of one key make one origin request.
	 */
	public static class Lock {

		/**
		 * Whether concurrent misses of one key wait for the first one.
		 */
		private boolean enabled = true;

		/**
		 * How long the first request may hold the lock before another takes over.
		 */
		private Duration ageTimeout = Duration.ofSeconds(10);

		/**
		 * How long, in all, a request waits for the lock before it goes to the origin
		 * without caching.
		 */
		private Duration waitTimeout = Duration.ofSeconds(10);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getAgeTimeout() {
			return this.ageTimeout;
		}

		public void setAgeTimeout(Duration ageTimeout) {
			this.ageTimeout = ageTimeout;
		}

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

	}

	/**
	 * Purging stored responses with {@code PURGE} requests on the proxy port.
	 */
	public static class Purge {

		/**
		 * Whether {@code PURGE} requests remove the stored response of their target.
		 */
		private boolean enabled;

		/**
		 * The client addresses allowed to purge.
		 */
		private List<String> allowedAddresses = new ArrayList<>(List.of("127.0.0.1", "::1"));

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getAllowedAddresses() {
			return this.allowedAddresses;
		}

		public void setAllowedAddresses(List<String> allowedAddresses) {
			this.allowedAddresses = allowedAddresses;
		}

	}

}
