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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;

/**
 * What the cache knows of a stored response besides its body: its status and header
 * fields, when it was stored and last revalidated, how old it was when received, until
 * when it is fresh, and how long past that it may still be served stale.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::meta::CacheMeta}.
 *
 * @param status the response status
 * @param headers the stored header fields (read-only)
 * @param created when the response was first stored
 * @param updated when it was stored or last revalidated
 * @param initialAge the age it had when received (RFC 9111 §4.2.3)
 * @param freshFor its freshness lifetime
 * @param staleWhileRevalidate how long past freshness it may be served while it is
 * revalidated in the background, zero for never
 * @param staleIfError how long past freshness it may be served when the origin fails,
 * zero for never
 * @since 0.1.0
 */
public record CacheMeta(int status, HttpHeaders headers, Instant created, Instant updated, Duration initialAge,
		Duration freshFor, Duration staleWhileRevalidate, Duration staleIfError) {

	/**
	 * Check the fields.
	 * @param status the response status
	 * @param headers the stored header fields
	 * @param created when first stored
	 * @param updated when stored or last revalidated
	 * @param initialAge the age when received
	 * @param freshFor the freshness lifetime
	 * @param staleWhileRevalidate the stale-while-revalidate allowance
	 * @param staleIfError the stale-if-error allowance
	 */
	public CacheMeta {
		Objects.requireNonNull(headers, "headers");
		Objects.requireNonNull(created, "created");
		Objects.requireNonNull(updated, "updated");
		Objects.requireNonNull(initialAge, "initialAge");
		Objects.requireNonNull(freshFor, "freshFor");
		Objects.requireNonNull(staleWhileRevalidate, "staleWhileRevalidate");
		Objects.requireNonNull(staleIfError, "staleIfError");
	}

	/**
	 * Return the response's current age (RFC 9111 §4.2.3): its age when received plus the
	 * time since it was stored or revalidated.
	 * @param now the current time
	 * @return the age, zero or more
	 */
	public Duration age(Instant now) {
		Duration resident = Duration.between(this.updated, now);
		return this.initialAge.plus(resident.isNegative() ? Duration.ZERO : resident);
	}

	/**
	 * Whether the response is fresh: its age is below its freshness lifetime.
	 * @param now the current time
	 * @return {@code true} if fresh
	 */
	public boolean isFresh(Instant now) {
		return age(now).compareTo(this.freshFor) < 0;
	}

	/**
	 * Whether a stale response may still be served while it is revalidated.
	 * @param now the current time
	 * @return {@code true} within the stale-while-revalidate allowance
	 */
	public boolean canServeStaleWhileRevalidate(Instant now) {
		return withinStale(now, this.staleWhileRevalidate);
	}

	/**
	 * Whether a stale response may still be served because the origin failed.
	 * @param now the current time
	 * @return {@code true} within the stale-if-error allowance
	 */
	public boolean canServeStaleIfError(Instant now) {
		return withinStale(now, this.staleIfError);
	}

	private boolean withinStale(Instant now, Duration allowance) {
		return !allowance.isZero() && age(now).compareTo(this.freshFor.plus(allowance)) < 0;
	}

	/**
	 * Return this meta after a revalidation: new header fields and freshness, the same
	 * creation time.
	 * @param fresh the meta computed from the revalidating response
	 * @return the merged meta
	 */
	public CacheMeta revalidated(CacheMeta fresh) {
		return new CacheMeta(this.status, fresh.headers, this.created, fresh.updated, fresh.initialAge, fresh.freshFor,
				fresh.staleWhileRevalidate, fresh.staleIfError);
	}

	/**
	 * An approximate size of the meta in memory, for the storage's weight.
	 * @return the size in bytes
	 */
	public int weight() {
		int size = 128;
		for (Map.Entry<String, String> field : this.headers) {
			size += 32 + field.getKey().length() + field.getValue().length();
		}
		return size;
	}

	/**
	 * Freeze header fields for storing.
	 * @param headers the fields
	 * @return a read-only copy
	 */
	public static HttpHeaders freeze(HttpHeaders headers) {
		if (headers instanceof ReadOnlyHttpHeaders) {
			return headers;
		}
		return freeze(headers, List.of());
	}

	/**
	 * Freeze header fields for storing, leaving some out.
	 * @param headers the fields
	 * @param left the names of the fields to leave out (any case)
	 * @return a read-only copy
	 */
	public static HttpHeaders freeze(HttpHeaders headers, Collection<String> left) {
		List<CharSequence> pairs = new ArrayList<>(headers.size() * 2);
		for (Map.Entry<String, String> field : headers) {
			if (!containsIgnoreCase(left, field.getKey())) {
				pairs.add(field.getKey());
				pairs.add(field.getValue());
			}
		}
		return new ReadOnlyHttpHeaders(false, pairs.toArray(new CharSequence[0]));
	}

	/**
	 * Return the body length a message declares.
	 * @param headers the message's fields
	 * @return its {@code Content-Length}, or -1 when absent or not a number
	 */
	public static long declaredLength(HttpHeaders headers) {
		String value = headers.get(HttpHeaderNames.CONTENT_LENGTH);
		if (value == null) {
			return -1;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static boolean containsIgnoreCase(Collection<String> names, String name) {
		for (String candidate : names) {
			if (candidate.equalsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return "CacheMeta[status=" + this.status + ", updated=" + this.updated + ", freshFor=" + this.freshFor + "]";
	}

}
