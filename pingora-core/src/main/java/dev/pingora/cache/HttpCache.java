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

import org.jspecify.annotations.Nullable;

import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;

/**
 * The cache's state for one request, from {@code Session.cache()}: a phase turns caching
 * on with {@link #enable(CacheConfig)} (normally in {@code requestCacheFilter}), and the
 * later phases can see where the request stands.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::HttpCache} ({@code session.cache}).
 *
 * @since 0.1.0
 */
public interface HttpCache {

	/**
	 * Turn caching on for this request. Only the request phases up to
	 * {@code requestCacheFilter} may call this; later calls are ignored.
	 * @param config the cache to use
	 */
	void enable(CacheConfig config);

	/**
	 * Turn caching off for this request.
	 * @param reason why
	 */
	void disable(NoCacheReason reason);

	/**
	 * Whether caching is on for this request.
	 * @return {@code true} if enabled and not disabled since
	 */
	boolean isEnabled();

	/**
	 * Return the cache in use.
	 * @return the configuration, or {@code null} if caching was never enabled
	 */
	@Nullable CacheConfig config();

	/**
	 * Return where the request stands with the cache.
	 * @return the phase
	 */
	CachePhase phase();

	/**
	 * Return why caching is off.
	 * @return the reason, or {@code null} while it is on
	 */
	@Nullable NoCacheReason noCacheReason();

	/**
	 * Return the key of the request, once {@code cacheKeyCallback} gave it.
	 * @return the key (with its variance, once known), or {@code null}
	 */
	@Nullable CacheKey key();

	/**
	 * Return the meta of the stored response the request found, or of the response being
	 * stored.
	 * @return the meta, or {@code null}
	 */
	@Nullable CacheMeta meta();

	/**
	 * Accept the miss: the origin's response will be stored if it may be. The default
	 * {@code cacheMiss} phase calls this; one that does not keeps the response out of the
	 * cache.
	 */
	void cacheMiss();

	/**
	 * Decide as RFC 9111 does ({@link Cacheability#rfc9111}) with the times of this
	 * request's exchange with the origin: what {@code responseCacheFilter} does by
	 * default.
	 * @param request the client's request
	 * @param response the response header
	 * @return the decision
	 */
	Cacheability defaultCacheability(RequestHeader request, ResponseHeader response);

}
