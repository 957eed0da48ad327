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
import java.util.List;
import java.util.Locale;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;

import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;

/**
 * A {@code Range} request header resolved against a body of known length (RFC 9110
 * §14.1.2, §14.2), with the rules Pingora applies when it serves ranges from its cache: a
 * header it cannot use is ignored (the whole body is served, 200); no satisfiable range
 * means 416.
 *
 * <p>
 * Pingora counterpart: {@code pingora_proxy::proxy_cache::range_filter}.
 *
 * @since 0.1.0
 */
public final class ByteRanges {

	/**
	 * The most ranges one request may ask for; more and the header is ignored.
	 */
	static final int MAX_RANGES = 200;

	private ByteRanges() {
	}

	/**
	 * What to answer.
	 */
	public sealed interface Result {

	}

	/**
	 * Serve the whole body (200): no {@code Range}, a unit other than bytes, a malformed
	 * header, overlapping or out-of-order ranges, or too many of them.
	 */
	public record Whole() implements Result {

	}

	/**
	 * Serve these ranges (206), in order; one range is a plain 206, several a
	 * {@code multipart/byteranges} body.
	 *
	 * @param ranges the ranges, inclusive bounds
	 */
	public record Partial(List<Range> ranges) implements Result {

	}

	/**
	 * No range is satisfiable: 416 with {@code Content-Range: bytes *}{@code /length}.
	 */
	public record Unsatisfiable() implements Result {

	}

	/**
	 * One range of bytes.
	 *
	 * @param first the first byte
	 * @param last the last byte, inclusive
	 */
	public record Range(long first, long last) {

		/**
		 * Return the number of bytes.
		 * @return {@code last - first + 1}
		 */
		public long length() {
			return this.last - this.first + 1;
		}

		/**
		 * Return the {@code Content-Range} value of this range.
		 * @param total the length of the whole body
		 * @return for example {@code bytes 0-99/1000}
		 */
		public String contentRange(long total) {
			return "bytes " + this.first + "-" + this.last + "/" + total;
		}

	}

	/**
	 * Resolve a {@code Range} header against a body.
	 * @param header the header value, or {@code null} when absent
	 * @param length the length of the body
	 * @return what to answer
	 */
	public static Result resolve(@Nullable String header, long length) {
		if (header == null) {
			return new Whole();
		}
		String value = header.trim();
		int equals = value.indexOf('=');
		if (equals < 0 || !value.substring(0, equals).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
			return new Whole();
		}
		String[] specs = value.substring(equals + 1).split(",", -1);
		if (specs.length > MAX_RANGES) {
			return new Whole();
		}
		List<Range> ranges = new ArrayList<>();
		boolean any = false;
		for (String raw : specs) {
			String spec = raw.trim();
			if (spec.isEmpty()) {
				continue;
			}
			any = true;
			int dash = spec.indexOf('-');
			if (dash < 0) {
				return new Whole();
			}
			String start = spec.substring(0, dash).trim();
			String end = spec.substring(dash + 1).trim();
			Range range;
			if (start.isEmpty()) {
				long suffix = number(end);
				if (suffix < 0) {
					return new Whole();
				}
				if (suffix == 0 || length == 0) {
					continue;
				}
				range = new Range(Math.max(0, length - suffix), length - 1);
			}
			else {
				long first = number(start);
				long last = end.isEmpty() ? Long.MAX_VALUE : number(end);
				if (first < 0 || last < 0 || last < first) {
					return new Whole();
				}
				if (first >= length) {
					continue;
				}
				range = new Range(first, Math.min(last, length - 1));
			}
			if (!ranges.isEmpty() && range.first() <= ranges.get(ranges.size() - 1).last()) {
				// Overlapping or out of order: not worth the risk (RFC 9110 §14.2).
				return new Whole();
			}
			ranges.add(range);
		}
		if (!any) {
			return new Unsatisfiable();
		}
		return ranges.isEmpty() ? new Unsatisfiable() : new Partial(List.copyOf(ranges));
	}

	/**
	 * Resolve a request's {@code Range} against a response the cache serves, as
	 * {@code rangeHeaderFilter} does by default: only for {@code GET} and {@code HEAD},
	 * only for a 200 response, only when {@code If-Range} (if any) holds.
	 * @param request the client's request
	 * @param response the response header
	 * @param length the length of the response body
	 * @return what to answer
	 */
	public static Result forRequest(RequestHeader request, ResponseHeader response, long length) {
		String range = request.headers().get(HttpHeaderNames.RANGE);
		HttpMethod method = request.method();
		if (range == null || response.status() != 200
				|| !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))) {
			return new Whole();
		}
		if (!ifRangeHolds(request.headers().get(HttpHeaderNames.IF_RANGE), response.header(HttpHeaderNames.ETAG),
				response.header(HttpHeaderNames.LAST_MODIFIED))) {
			return new Whole();
		}
		return resolve(range, length);
	}

	/**
	 * Whether an {@code If-Range} condition holds, so that the ranges apply (RFC 9110
	 * §13.1.5): an entity tag must match the stored {@code ETag} strongly; a date must
	 * equal the stored {@code Last-Modified}.
	 * @param ifRange the {@code If-Range} value, or {@code null} when absent
	 * @param etag the stored {@code ETag}, or {@code null}
	 * @param lastModified the stored {@code Last-Modified}, or {@code null}
	 * @return {@code true} if the ranges apply
	 */
	public static boolean ifRangeHolds(@Nullable String ifRange, @Nullable String etag, @Nullable String lastModified) {
		if (ifRange == null) {
			return true;
		}
		String condition = ifRange.trim();
		if (condition.startsWith("\"") || condition.startsWith("W/")) {
			return etag != null && !condition.startsWith("W/") && !etag.trim().startsWith("W/")
					&& condition.equals(etag.trim());
		}
		return lastModified != null && condition.equals(lastModified.trim());
	}

	private static long number(String digits) {
		if (digits.isEmpty() || digits.length() > 18) {
			return -1;
		}
		long value = 0;
		for (int i = 0; i < digits.length(); i++) {
			char c = digits.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
