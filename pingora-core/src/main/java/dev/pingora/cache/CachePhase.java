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

/**
 * Where a request stands with the cache, and the value of the cache status header.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::CachePhase}.
 *
 * @since 0.1.0
 */
public enum CachePhase {

	/**
	 * Caching is off for this request (never enabled, or turned off; see
	 * {@link HttpCache#noCacheReason()}).
	 */
	DISABLED("no-cache"),

	/**
	 * Caching is on, nothing looked up yet.
	 */
	UNINIT("uninitialized"),

	/**
	 * The predictor knows the key to be uncacheable: no lookup, the response is still
	 * evaluated.
	 */
	BYPASS("bypass"),

	/**
	 * A fresh stored response was served.
	 */
	HIT("hit"),

	/**
	 * Nothing stored: the response comes from the origin and is stored if it may be.
	 */
	MISS("miss"),

	/**
	 * A stale stored response: it is revalidated, or was served because the origin
	 * failed.
	 */
	STALE("stale"),

	/**
	 * A stale stored response served while it is refreshed in the background
	 * (stale-while-revalidate).
	 */
	STALE_UPDATING("stale-updating"),

	/**
	 * A stale stored response was replaced by a new one from the origin.
	 */
	EXPIRED("expired"),

	/**
	 * The origin confirmed a stale stored response (304): it was refreshed and served.
	 */
	REVALIDATED("revalidated"),

	/**
	 * The origin confirmed a stale stored response, but its new header fields make it
	 * uncacheable: served, not refreshed.
	 */
	REVALIDATED_NO_CACHE("revalidated");

	private final String label;

	CachePhase(String label) {
		this.label = label;
	}

	/**
	 * Return the value of the cache status header for this phase.
	 * @return {@code hit}, {@code miss}, {@code stale}, {@code stale-updating},
	 * {@code expired}, {@code revalidated}, {@code no-cache}, {@code bypass} or
	 * {@code uninitialized}
	 */
	public String label() {
		return this.label;
	}

	/**
	 * Whether the response came from the cache without the origin being asked.
	 * @return {@code true} for {@link #HIT}, {@link #STALE} and {@link #STALE_UPDATING}
	 */
	public boolean servedFromCache() {
		return this == HIT || this == STALE || this == STALE_UPDATING;
	}

}
