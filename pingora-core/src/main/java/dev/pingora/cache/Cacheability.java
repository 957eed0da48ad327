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
import java.time.Instant;
import java.util.Objects;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;

import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;

/**
 * Whether a response may be stored, and if so with what {@link CacheMeta}: what
 * {@code responseCacheFilter} decides.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::RespCacheable}.
 *
 * @since 0.1.0
 */
public sealed interface Cacheability {

	/**
	 * The targeted cache-control field for CDNs and reverse proxies (RFC 9213), which
	 * takes precedence over {@code Cache-Control}.
	 */
	String CDN_CACHE_CONTROL = "CDN-Cache-Control";

	/**
	 * The response may be stored.
	 *
	 * @param meta what to store with it
	 */
	record Cacheable(CacheMeta meta) implements Cacheability {

		/**
		 * Check the meta.
		 * @param meta what to store
		 */
		public Cacheable {
			Objects.requireNonNull(meta, "meta");
		}

	}

	/**
	 * The response may not be stored.
	 *
	 * @param reason why, as a category
	 * @param detail why, for people
	 */
	record Uncacheable(NoCacheReason reason, String detail) implements Cacheability {

		/**
		 * Check the fields.
		 * @param reason why, as a category
		 * @param detail why, for people
		 */
		public Uncacheable {
			Objects.requireNonNull(reason, "reason");
			Objects.requireNonNull(detail, "detail");
		}

	}

	/**
	 * The response may be stored with this meta.
	 * @param meta the meta
	 * @return the decision
	 */
	static Cacheability cacheable(CacheMeta meta) {
		return new Cacheable(meta);
	}

	/**
	 * The response may not be stored.
	 * @param reason why
	 * @param detail why, for people
	 * @return the decision
	 */
	static Cacheability uncacheable(NoCacheReason reason, String detail) {
		return new Uncacheable(reason, detail);
	}

	/**
	 * Decide as RFC 9111 does for a shared cache: storability (§3, including the
	 * {@code Authorization} rules and {@code Vary: *}), freshness lifetime (§4.2.1,
	 * heuristic per §4.2.2), initial age (§4.2.3), {@code CDN-Cache-Control} in place of
	 * {@code Cache-Control} and {@code Expires} when present (RFC 9213),
	 * stale-while-revalidate and stale-if-error allowances (RFC 5861; none when the
	 * response forbids serving it stale), and the fields named by {@code private=} and
	 * {@code no-cache=} left out of what is stored.
	 * @param request the client's request
	 * @param response the response, after {@code upstreamResponseFilter}
	 * @param requestTime when the request went to the origin
	 * @param responseTime when the response header arrived
	 * @return the decision
	 */
	static Cacheability rfc9111(RequestHeader request, ResponseHeader response, Instant requestTime,
			Instant responseTime) {
		return rfc9111(request, response, requestTime, responseTime, Duration.ZERO, Duration.ZERO);
	}

	/**
	 * Decide as {@link #rfc9111(RequestHeader, ResponseHeader, Instant, Instant)} does,
	 * with stale allowances for responses that give none (Pingora's
	 * {@code CacheMetaDefaults}); they never apply where the response forbids serving it
	 * stale.
	 * @param request the client's request
	 * @param response the response, after {@code upstreamResponseFilter}
	 * @param requestTime when the request went to the origin
	 * @param responseTime when the response header arrived
	 * @param defaultStaleWhileRevalidate the stale-while-revalidate allowance without the
	 * directive
	 * @param defaultStaleIfError the stale-if-error allowance without the directive
	 * @return the decision
	 */
	static Cacheability rfc9111(RequestHeader request, ResponseHeader response, Instant requestTime,
			Instant responseTime, Duration defaultStaleWhileRevalidate, Duration defaultStaleIfError) {
		HttpHeaders requestFields = request.headers();
		HttpHeaders fields = response.headers();
		CacheControl directives = TargetedField.isValid(fields.getAll(CDN_CACHE_CONTROL))
				? CacheControl.of(fields, CDN_CACHE_CONTROL) : CacheControl.EMPTY;
		if (directives.isEmpty()) {
			directives = CacheControl.of(fields);
		}
		else {
			// RFC 9213 §2.1: a valid targeted field replaces Cache-Control and Expires.
			fields = new DefaultHttpHeaders().add(fields).remove(HttpHeaderNames.EXPIRES);
		}
		HttpMethod method = request.method();
		String why = Freshness.whyNotStorable(method, CacheControl.of(requestFields),
				requestFields.contains(HttpHeaderNames.AUTHORIZATION), response.status(), directives, fields);
		if (why != null) {
			return uncacheable(NoCacheReason.ORIGIN_NOT_CACHE, why);
		}
		Duration lifetime = Freshness.lifetime(response.status(), directives, fields, responseTime);
		Duration initialAge = Freshness.initialAge(fields, requestTime, responseTime);
		boolean noStale = Freshness.forbidsStale(directives) || directives.noCache();
		Duration swr = noStale ? Duration.ZERO
				: seconds(directives.staleWhileRevalidate(), defaultStaleWhileRevalidate);
		Duration sie = noStale ? Duration.ZERO : seconds(directives.staleIfError(), defaultStaleIfError);
		return cacheable(
				new CacheMeta(response.status(), CacheMeta.freeze(response.headers(), directives.fieldsToStrip()),
						responseTime, responseTime, initialAge, lifetime, swr, sie));
	}

	private static Duration seconds(@Nullable Integer value, Duration absent) {
		if (value == null) {
			return absent;
		}
		return (value < 0) ? Duration.ZERO : Duration.ofSeconds(value);
	}

}
