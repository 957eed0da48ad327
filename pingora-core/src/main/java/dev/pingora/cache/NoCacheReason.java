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
 * Why caching is off for a request.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::NoCacheReason}.
 *
 * @since 0.1.0
 */
public enum NoCacheReason {

	/**
	 * No phase enabled caching for the request.
	 */
	NEVER_ENABLED,

	/**
	 * The request method is not cached ({@code GET} and {@code HEAD} are).
	 */
	METHOD_NOT_CACHED,

	/**
	 * The origin's response may not be stored (RFC 9111 §3), or a phase said so.
	 */
	ORIGIN_NOT_CACHE,

	/**
	 * The response is larger than the largest object the cache takes.
	 */
	RESPONSE_TOO_LARGE,

	/**
	 * The storage failed or declined the response.
	 */
	STORAGE_ERROR,

	/**
	 * The cache failed internally (a phase threw, say).
	 */
	INTERNAL_ERROR,

	/**
	 * The key was predicted uncacheable and turned out cacheable: the next request fills.
	 */
	DEFERRED,

	/**
	 * The origin failed.
	 */
	UPSTREAM_ERROR,

	/**
	 * The writer holding the cache lock found the response uncacheable: this request goes
	 * to the origin on its own.
	 */
	CACHE_LOCK_GIVE_UP,

	/**
	 * Waiting for the cache lock took longer than the wait timeout.
	 */
	CACHE_LOCK_TIMEOUT,

	/**
	 * Turned off by the application.
	 */
	CUSTOM;

	/**
	 * Whether the predictor should remember the key as uncacheable for this reason.
	 * @return {@code true} for {@link #ORIGIN_NOT_CACHE} and {@link #RESPONSE_TOO_LARGE}
	 */
	public boolean isPredictable() {
		return this == ORIGIN_NOT_CACHE || this == RESPONSE_TOO_LARGE;
	}

}
