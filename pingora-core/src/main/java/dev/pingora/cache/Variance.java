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

import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

/**
 * The variance of a response that has {@code Vary} (RFC 9111 §4.1): the values of the
 * request fields it names, as the request that got it sent them. A stored variant answers
 * a later request only if that request's variance is the same.
 *
 * <p>
 * Field names are compared case-insensitively and in any order; several lines of one
 * field are joined with {@code ", "}, and whitespace around values and list members is
 * dropped, which changes no field's meaning. A field the request lacks counts as absent,
 * which is different from an empty value.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::VarianceBuilder}.
 *
 * @since 0.1.0
 */
public final class Variance {

	private Variance() {
	}

	/**
	 * Return the variance of a request for a response's {@code Vary}.
	 * @param response the response's header fields
	 * @param request the request's header fields
	 * @return the variance, or {@code null} when the response does not vary (no
	 * {@code Vary}, or one that names no field)
	 */
	public static @Nullable String of(HttpHeaders response, HttpHeaders request) {
		List<String> vary = response.getAll(HttpHeaderNames.VARY);
		if (vary.isEmpty()) {
			return null;
		}
		TreeMap<String, String> values = new TreeMap<>();
		for (String line : vary) {
			for (String member : line.split(",")) {
				String name = member.trim().toLowerCase(Locale.ROOT);
				if (!name.isEmpty() && !values.containsKey(name)) {
					values.put(name, normalized(request.getAll(name)));
				}
			}
		}
		if (values.isEmpty()) {
			return null;
		}
		StringBuilder variance = new StringBuilder();
		values.forEach((name, value) -> variance.append(name).append(':').append(value).append('\n'));
		return variance.toString();
	}

	private static String normalized(List<String> lines) {
		if (lines.isEmpty()) {
			// Absent: not the same as present and empty.
			return "\u0000";
		}
		StringBuilder joined = new StringBuilder();
		for (String line : lines) {
			for (String member : line.split(",")) {
				if (joined.length() > 0) {
					joined.append(", ");
				}
				joined.append(member.trim());
			}
		}
		return joined.toString();
	}

}
