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

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The directives of the {@code Cache-Control} fields of a message (RFC 9111 §5.2), parsed
 * once. Every field line of the message counts, as if they were one comma-separated list.
 *
 * <p>
 * Parsing is lenient where the RFC asks recipients to be: directive names are
 * case-insensitive, a value may be a token or a quoted string, {@code ;} separates
 * directives as well as {@code ,} (as in Pingora), and a directive that appears twice
 * keeps its first value (RFC 9111 §4.2.1). A delta-seconds value too large for an
 * {@code int} becomes 2<sup>31</sup>−1 (§1.2.2); one that is not a non-negative integer
 * is {@link #INVALID}, and freshness treats it as already stale.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::cache_control::CacheControl}.
 *
 * @since 0.1.0
 */
public final class CacheControl {

	/**
	 * The value of a delta-seconds directive whose value is not a valid number.
	 */
	public static final int INVALID = -1;

	/**
	 * No directives.
	 */
	public static final CacheControl EMPTY = new CacheControl(Collections.emptyMap());

	private final Map<String, @Nullable String> directives;

	private CacheControl(Map<String, @Nullable String> directives) {
		this.directives = directives;
	}

	/**
	 * Parse the {@code Cache-Control} fields of a message.
	 * @param headers the message's header fields
	 * @return the directives; empty when there is no such field
	 */
	public static CacheControl of(HttpHeaders headers) {
		return of(headers, HttpHeaderNames.CACHE_CONTROL);
	}

	/**
	 * Parse the fields of a message that carry cache directives under another name, such
	 * as {@code CDN-Cache-Control} (RFC 9213).
	 * @param headers the message's header fields
	 * @param name the field name
	 * @return the directives; empty when there is no such field
	 */
	public static CacheControl of(HttpHeaders headers, CharSequence name) {
		List<String> lines = headers.getAll(name);
		if (lines.isEmpty()) {
			return EMPTY;
		}
		Map<String, @Nullable String> directives = new LinkedHashMap<>();
		for (String line : lines) {
			parse(line, directives);
		}
		return directives.isEmpty() ? EMPTY : new CacheControl(directives);
	}

	/**
	 * Parse one {@code Cache-Control} field value.
	 * @param value the field value
	 * @return the directives
	 */
	public static CacheControl parse(String value) {
		Map<String, @Nullable String> directives = new LinkedHashMap<>();
		parse(value, directives);
		return directives.isEmpty() ? EMPTY : new CacheControl(directives);
	}

	private static void parse(String value, Map<String, @Nullable String> into) {
		int length = value.length();
		int i = 0;
		while (i < length) {
			i = skip(value, i);
			int nameStart = i;
			while (i < length && isTokenChar(value.charAt(i))) {
				i++;
			}
			String name = value.substring(nameStart, i).toLowerCase(Locale.ROOT);
			i = skipSpaces(value, i);
			String argument = null;
			if (i < length && value.charAt(i) == '=') {
				i = skipSpaces(value, i + 1);
				if (i < length && value.charAt(i) == '"') {
					StringBuilder quoted = new StringBuilder();
					i++;
					while (i < length && value.charAt(i) != '"') {
						char c = value.charAt(i);
						if (c == '\\' && i + 1 < length) {
							c = value.charAt(++i);
						}
						quoted.append(c);
						i++;
					}
					i++;
					argument = quoted.toString();
				}
				else {
					int argumentStart = i;
					while (i < length && value.charAt(i) != ',' && value.charAt(i) != ';') {
						i++;
					}
					argument = value.substring(argumentStart, i).trim();
				}
			}
			// Whatever is left of a malformed directive, up to the next separator.
			while (i < length && value.charAt(i) != ',' && value.charAt(i) != ';') {
				i++;
			}
			if (!name.isEmpty() && !into.containsKey(name)) {
				into.put(name, argument);
			}
		}
	}

	private static int skip(String value, int from) {
		int i = from;
		while (i < value.length() && (value.charAt(i) == ',' || value.charAt(i) == ';' || value.charAt(i) == ' '
				|| value.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	private static int skipSpaces(String value, int from) {
		int i = from;
		while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	private static boolean isTokenChar(char c) {
		return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
	}

	/**
	 * Whether the message has no directive.
	 * @return {@code true} if empty
	 */
	public boolean isEmpty() {
		return this.directives.isEmpty();
	}

	/**
	 * Whether a directive is present, with or without a value.
	 * @param name the directive name, lower case
	 * @return {@code true} if present
	 */
	public boolean has(String name) {
		return this.directives.containsKey(name);
	}

	/**
	 * Return a directive's value.
	 * @param name the directive name, lower case
	 * @return the value (unquoted), or {@code null} when absent or without a value
	 */
	public @Nullable String value(String name) {
		return this.directives.get(name);
	}

	/**
	 * Return a delta-seconds directive's value.
	 * @param name the directive name, lower case
	 * @return the seconds, {@link #INVALID} when present but not a valid number, or
	 * {@code null} when absent
	 */
	public @Nullable Integer seconds(String name) {
		if (!this.directives.containsKey(name)) {
			return null;
		}
		return deltaSeconds(this.directives.get(name));
	}

	static int deltaSeconds(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			return INVALID;
		}
		long seconds = 0;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return INVALID;
			}
			seconds = seconds * 10 + (c - '0');
			if (seconds > Integer.MAX_VALUE) {
				return Integer.MAX_VALUE;
			}
		}
		return (int) seconds;
	}

	/**
	 * {@code max-age}, in seconds.
	 * @return the value, {@link #INVALID}, or {@code null} when absent
	 */
	public @Nullable Integer maxAge() {
		return seconds("max-age");
	}

	/**
	 * {@code s-maxage}, in seconds.
	 * @return the value, {@link #INVALID}, or {@code null} when absent
	 */
	public @Nullable Integer sMaxAge() {
		return seconds("s-maxage");
	}

	/**
	 * {@code stale-while-revalidate} (RFC 5861), in seconds.
	 * @return the value, {@link #INVALID}, or {@code null} when absent
	 */
	public @Nullable Integer staleWhileRevalidate() {
		return seconds("stale-while-revalidate");
	}

	/**
	 * {@code stale-if-error} (RFC 5861), in seconds.
	 * @return the value, {@link #INVALID}, or {@code null} when absent
	 */
	public @Nullable Integer staleIfError() {
		return seconds("stale-if-error");
	}

	/**
	 * Whether {@code no-store} is present.
	 * @return {@code true} if present
	 */
	public boolean noStore() {
		return has("no-store");
	}

	/**
	 * Whether {@code no-cache} is present without field names: every reuse must be
	 * revalidated.
	 * @return {@code true} if present without a value
	 */
	public boolean noCache() {
		return has("no-cache") && value("no-cache") == null;
	}

	/**
	 * Whether {@code private} is present without field names: a shared cache must not
	 * store the response.
	 * @return {@code true} if present without a value
	 */
	public boolean isPrivate() {
		return has("private") && value("private") == null;
	}

	/**
	 * Whether {@code public} is present.
	 * @return {@code true} if present
	 */
	public boolean isPublic() {
		return has("public");
	}

	/**
	 * Whether {@code must-revalidate} is present.
	 * @return {@code true} if present
	 */
	public boolean mustRevalidate() {
		return has("must-revalidate");
	}

	/**
	 * Whether {@code proxy-revalidate} is present.
	 * @return {@code true} if present
	 */
	public boolean proxyRevalidate() {
		return has("proxy-revalidate");
	}

	/**
	 * Whether {@code only-if-cached} (a request directive) is present.
	 * @return {@code true} if present
	 */
	public boolean onlyIfCached() {
		return has("only-if-cached");
	}

	/**
	 * The field names of {@code private="..."} and {@code no-cache="..."}: fields a
	 * shared cache must not store (for {@code private}) or must not reuse without
	 * revalidation (for {@code no-cache}); the cache strips both from what it stores.
	 * @return the field names, lower case; empty when there are none
	 */
	public List<String> fieldsToStrip() {
		List<String> names = new ArrayList<>();
		addFieldNames(value("private"), names);
		addFieldNames(value("no-cache"), names);
		return names;
	}

	private static void addFieldNames(@Nullable String value, List<String> into) {
		if (value == null) {
			return;
		}
		for (String name : value.split(",")) {
			String trimmed = name.trim().toLowerCase(Locale.ROOT);
			if (!trimmed.isEmpty()) {
				into.add(trimmed);
			}
		}
	}

	@Override
	public String toString() {
		return this.directives.toString();
	}

}
