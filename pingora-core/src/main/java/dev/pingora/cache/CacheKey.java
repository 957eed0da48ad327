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

import java.util.Locale;
import java.util.Objects;

import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;

/**
 * What identifies a stored response: a primary key (by default the method, scheme, host,
 * path and query of the request, with {@code HEAD} keyed as {@code GET} so that a stored
 * {@code GET} answers it, and {@code PURGE} too, so that it names what it removes) and,
 * for a response that {@code Vary}s, the variance: the values of the request fields it
 * varies on.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::key::CacheKey}. Pingora has no default key;
 * this one is what its tests use, plus the method and scheme.
 *
 * @param primary the primary key
 * @param variance the variance, or {@code null} for the primary slot
 * @since 0.1.0
 */
public record CacheKey(String primary, @Nullable String variance) {

	private static final String PURGE = "PURGE";

	/**
	 * Check the key.
	 * @param primary the primary key
	 * @param variance the variance, or {@code null}
	 */
	public CacheKey {
		Objects.requireNonNull(primary, "primary");
	}

	/**
	 * The default key of a request.
	 * @param method the request method
	 * @param scheme {@code http} or {@code https}
	 * @param host the {@code Host} of the request, or {@code null}
	 * @param pathAndQuery the request target in origin form
	 * @return the key, without variance
	 */
	public static CacheKey of(HttpMethod method, String scheme, @Nullable String host, String pathAndQuery) {
		String keyed = (HttpMethod.HEAD.equals(method) || PURGE.equals(method.name())) ? HttpMethod.GET.name()
				: method.name();
		return new CacheKey(
				keyed + " " + scheme + "://" + ((host != null) ? host.toLowerCase(Locale.ROOT) : "") + pathAndQuery,
				null);
	}

	/**
	 * Return this key for one variant.
	 * @param value the variance, or {@code null} for the primary slot
	 * @return the key of that variant
	 */
	public CacheKey withVariance(@Nullable String value) {
		return new CacheKey(this.primary, value);
	}

	@Override
	public String toString() {
		return (this.variance != null) ? this.primary + " [" + this.variance + "]" : this.primary;
	}

}
