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
import java.util.List;
import java.util.Set;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;

/**
 * The storage and freshness rules of RFC 9111 for a shared cache: whether a response may
 * be stored (§3), how long it stays fresh (§4.2.1, §4.2.2), and how old it is (§4.2.3).
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::filters} ({@code resp_cacheable},
 * {@code calculate_fresh_until}) and {@code CacheMetaDefaults}.
 *
 * @since 0.1.0
 */
public final class Freshness {

	/**
	 * Status codes that are cacheable by default, and so may get a heuristic freshness
	 * (RFC 9110 §15.1).
	 */
	static final Set<Integer> HEURISTICALLY_CACHEABLE = Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414,
			501);

	/**
	 * The share of the time since {@code Last-Modified} a heuristic freshness lifetime
	 * takes (RFC 9111 §4.2.2 suggests 10 %).
	 */
	static final double HEURISTIC_FRACTION = 0.1;

	/**
	 * The longest heuristic freshness lifetime.
	 */
	static final Duration MAX_HEURISTIC = Duration.ofDays(1);

	private Freshness() {
	}

	/**
	 * Why a response may not be stored, or {@code null} if it may (RFC 9111 §3, for a
	 * shared cache).
	 * @param method the request method
	 * @param request the request's cache directives
	 * @param authorization whether the request carried {@code Authorization}
	 * @param status the response status
	 * @param response the response's cache directives
	 * @param headers the response's header fields
	 * @return the reason, or {@code null} when the response is storable
	 */
	public static @Nullable String whyNotStorable(HttpMethod method, CacheControl request, boolean authorization,
			int status, CacheControl response, HttpHeaders headers) {
		if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
			return "method " + method + " is not cached";
		}
		if (status < 200 || status == 206 || status == 304) {
			// 206 and 304 update or complete a stored response; they are not stored as
			// such.
			return "status " + status + " is not stored";
		}
		if (request.noStore()) {
			return "no-store in the request";
		}
		if (response.noStore() && !(response.has("must-understand") && HEURISTICALLY_CACHEABLE.contains(status))) {
			// must-understand lets a cache that knows the status's caching rules
			// ignore no-store (RFC 9111 §5.2.2.3).
			return "no-store";
		}
		if (response.isPrivate()) {
			return "private";
		}
		if (authorization && !response.isPublic() && !response.mustRevalidate() && response.sMaxAge() == null) {
			// RFC 9111 §3.5.
			return "Authorization without public, must-revalidate or s-maxage";
		}
		if (headers.containsValue(HttpHeaderNames.VARY, "*", true)) {
			return "Vary: *";
		}
		boolean explicit = response.isPublic() || response.sMaxAge() != null || response.maxAge() != null
				|| headers.contains(HttpHeaderNames.EXPIRES);
		if (!explicit && !HEURISTICALLY_CACHEABLE.contains(status)) {
			return "status " + status + " without explicit freshness";
		}
		if (!explicit && !headers.contains(HttpHeaderNames.LAST_MODIFIED) && !headers.contains(HttpHeaderNames.ETAG)) {
			// Neither freshness nor a validator: storing it would only ever serve a
			// revalidation miss.
			return "neither freshness information nor a validator";
		}
		return null;
	}

	/**
	 * The freshness lifetime of a response for a shared cache (RFC 9111 §4.2.1):
	 * {@code s-maxage}, else {@code max-age}, else {@code Expires} minus {@code Date},
	 * else a heuristic (§4.2.2) from {@code Last-Modified} for the statuses that allow
	 * one. {@code no-cache} and invalid values make it zero (stale at once).
	 * @param status the response status
	 * @param response the response's cache directives
	 * @param headers the response's header fields
	 * @param responseTime when the response was received, for a missing {@code Date}
	 * @return the lifetime, zero or more
	 */
	public static Duration lifetime(int status, CacheControl response, HttpHeaders headers, Instant responseTime) {
		if (response.noCache()) {
			return Duration.ZERO;
		}
		Integer seconds = response.sMaxAge();
		if (seconds == null) {
			seconds = response.maxAge();
		}
		if (seconds != null) {
			return (seconds == CacheControl.INVALID) ? Duration.ZERO : Duration.ofSeconds(seconds);
		}
		Instant date = date(headers, HttpHeaderNames.DATE);
		Instant base = (date != null) ? date : responseTime;
		List<String> expires = headers.getAll(HttpHeaderNames.EXPIRES);
		if (!expires.isEmpty()) {
			// An invalid date, "0" included, means already expired (§5.3); so do several
			// field lines (a list is not a date).
			Instant at = (expires.size() == 1) ? parse(expires.get(0)) : null;
			if (at == null || !at.isAfter(base)) {
				return Duration.ZERO;
			}
			return Duration.between(base, at);
		}
		if (response.isPublic() || HEURISTICALLY_CACHEABLE.contains(status)) {
			Instant lastModified = date(headers, HttpHeaderNames.LAST_MODIFIED);
			if (lastModified != null && lastModified.isBefore(base)) {
				Duration heuristic = Duration
					.ofMillis((long) (Duration.between(lastModified, base).toMillis() * HEURISTIC_FRACTION));
				return (heuristic.compareTo(MAX_HEURISTIC) > 0) ? MAX_HEURISTIC : heuristic;
			}
		}
		return Duration.ZERO;
	}

	/**
	 * The age a response had when it was received (RFC 9111 §4.2.3's
	 * {@code corrected_initial_age}); its current age adds the time it has been stored.
	 * @param headers the response's header fields ({@code Age}, {@code Date})
	 * @param requestTime when the request that got it was sent
	 * @param responseTime when it was received
	 * @return the initial age, zero or more
	 */
	public static Duration initialAge(HttpHeaders headers, Instant requestTime, Instant responseTime) {
		Instant date = date(headers, HttpHeaderNames.DATE);
		Duration apparent = (date != null && date.isBefore(responseTime)) ? Duration.between(date, responseTime)
				: Duration.ZERO;
		String ageValue = headers.get(HttpHeaderNames.AGE);
		int age = (ageValue != null) ? CacheControl.deltaSeconds(firstMember(ageValue)) : 0;
		Duration delay = Duration.between(requestTime, responseTime);
		if (delay.isNegative()) {
			delay = Duration.ZERO;
		}
		Duration corrected = Duration.ofSeconds(Math.max(age, 0)).plus(delay);
		return (apparent.compareTo(corrected) > 0) ? apparent : corrected;
	}

	/**
	 * Whether stale responses must not be served without revalidation
	 * ({@code must-revalidate}, {@code proxy-revalidate}, or {@code s-maxage}, which
	 * implies {@code proxy-revalidate} in a shared cache, RFC 9111 §5.2.2.10).
	 * @param response the response's cache directives
	 * @return {@code true} if stale serving is forbidden
	 */
	public static boolean forbidsStale(CacheControl response) {
		return response.mustRevalidate() || response.proxyRevalidate() || response.sMaxAge() != null;
	}

	/**
	 * The first member of a field a sender wrongly made a list ({@code Age: 7200, 0}).
	 */
	private static String firstMember(String value) {
		int comma = value.indexOf(',');
		return ((comma >= 0) ? value.substring(0, comma) : value).trim();
	}

	private static @Nullable Instant date(HttpHeaders headers, CharSequence name) {
		String value = headers.get(name);
		return (value != null) ? parse(value) : null;
	}

	static @Nullable Instant parse(String httpDate) {
		return HttpDates.parse(httpDate);
	}

}
