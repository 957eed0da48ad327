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

package dev.pingora.proxy.engine;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.CacheKey;
import dev.pingora.cache.CacheMeta;
import dev.pingora.cache.CachePhase;
import dev.pingora.cache.Cacheability;
import dev.pingora.cache.HttpCache;
import dev.pingora.cache.NoCacheReason;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;

/**
 * The cache state of one request ({@code Session.cache()}); {@link CacheFlow} moves it
 * along.
 */
final class RequestCache implements HttpCache {

	private static final Logger logger = LoggerFactory.getLogger("dev.pingora.cache");

	private @Nullable CacheConfig config;

	CachePhase phase = CachePhase.DISABLED;

	private @Nullable NoCacheReason reason = NoCacheReason.NEVER_ENABLED;

	@Nullable CacheKey key;

	@Nullable CacheMeta meta;

	boolean missAccepted;

	boolean sealed;

	@Nullable Instant requestTime;

	@Nullable Instant responseTime;

	@Override
	public void enable(CacheConfig config) {
		Objects.requireNonNull(config, "config");
		if (this.sealed) {
			logger.warn("HttpCache.enable called after requestCacheFilter; ignored");
			return;
		}
		this.config = config;
		this.phase = CachePhase.UNINIT;
		this.reason = null;
	}

	@Override
	public void disable(NoCacheReason reason) {
		Objects.requireNonNull(reason, "reason");
		this.phase = CachePhase.DISABLED;
		this.reason = reason;
	}

	@Override
	public boolean isEnabled() {
		return this.config != null && this.reason == null;
	}

	@Override
	public @Nullable CacheConfig config() {
		return this.config;
	}

	@Override
	public CachePhase phase() {
		return this.phase;
	}

	@Override
	public @Nullable NoCacheReason noCacheReason() {
		return this.reason;
	}

	@Override
	public @Nullable CacheKey key() {
		return this.key;
	}

	@Override
	public @Nullable CacheMeta meta() {
		return this.meta;
	}

	@Override
	public void cacheMiss() {
		this.missAccepted = true;
	}

	@Override
	public Cacheability defaultCacheability(RequestHeader request, ResponseHeader response) {
		CacheConfig cache = this.config;
		Instant now = (cache != null) ? cache.clock().instant() : Instant.now();
		Instant sent = (this.requestTime != null) ? this.requestTime : now;
		Instant received = (this.responseTime != null) ? this.responseTime : now;
		if (cache == null) {
			return Cacheability.rfc9111(request, response, sent, received);
		}
		return Cacheability.rfc9111(request, response, sent, received, cache.defaultStaleWhileRevalidate(),
				cache.defaultStaleIfError());
	}

	CacheConfig requireConfig() {
		return Objects.requireNonNull(this.config, "cache not enabled");
	}

	@Override
	public String toString() {
		return "HttpCache[phase=" + this.phase + ", key=" + this.key + ", reason=" + this.reason + "]";
	}

}
