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

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Remembers keys whose responses turned out uncacheable, so that their next requests skip
 * the lookup and the cache lock and go straight to the origin
 * ({@link CachePhase#BYPASS}). A bounded set: the least recently used keys are forgotten
 * first.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::predictor::Predictor}.
 *
 * @since 0.1.0
 */
public final class Predictor {

	private final Cache<String, Boolean> uncacheable;

	/**
	 * Create a predictor.
	 * @param capacity the most keys remembered, at least 1
	 */
	public Predictor(long capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
		}
		this.uncacheable = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
	}

	/**
	 * Whether the key's responses are predicted uncacheable.
	 * @param key the key (its primary part counts)
	 * @return {@code true} to bypass the cache
	 */
	public boolean isUncacheable(CacheKey key) {
		return this.uncacheable.getIfPresent(key.primary()) != null;
	}

	/**
	 * A response for the key was found uncacheable.
	 * @param key the key
	 * @param reason why; only {@link NoCacheReason#isPredictable() predictable} reasons
	 * are remembered
	 */
	public void markUncacheable(CacheKey key, NoCacheReason reason) {
		if (reason.isPredictable()) {
			this.uncacheable.put(key.primary(), Boolean.TRUE);
		}
	}

	/**
	 * A response for the key was found cacheable again.
	 * @param key the key
	 */
	public void markCacheable(CacheKey key) {
		this.uncacheable.invalidate(key.primary());
	}

	/**
	 * Return how many keys are remembered.
	 * @return the number of keys, approximately
	 */
	public long size() {
		return this.uncacheable.estimatedSize();
	}

}
