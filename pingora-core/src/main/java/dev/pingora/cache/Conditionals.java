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

import java.time.Instant;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;

/**
 * Conditional requests against a stored response (RFC 9110 §13): whether a client's
 * {@code If-None-Match} or {@code If-Modified-Since} lets the cache answer 304, and the
 * 304 made from a stored response.
 *
 * <p>
 * Pingora counterpart: {@code pingora_cache::filters::not_modified_filter} and
 * {@code to_304}.
 *
 * @since 0.1.0
 */
public final class Conditionals {

	private static final List<CharSequence> NOT_IN_304 = List.of(HttpHeaderNames.CONTENT_LENGTH,
			HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.CONTENT_ENCODING,
			HttpHeaderNames.ACCEPT_RANGES, HttpHeaderNames.CONTENT_RANGE);

	private Conditionals() {
	}

	/**
	 * Whether the client's conditional request is answered by 304 Not Modified: for a 200
	 * response, {@code If-None-Match} compared weakly with its {@code ETag}; without
	 * {@code If-None-Match}, for {@code GET} and {@code HEAD}, {@code If-Modified-Since}
	 * not older than its {@code Last-Modified}.
	 * @param request the client's request
	 * @param response the response it would get
	 * @return {@code true} to answer 304
	 */
	public static boolean notModified(RequestHeader request, ResponseHeader response) {
		if (response.status() != 200) {
			return false;
		}
		HttpHeaders fields = request.headers();
		List<String> ifNoneMatch = fields.getAll(HttpHeaderNames.IF_NONE_MATCH);
		if (!ifNoneMatch.isEmpty()) {
			String etag = response.header(HttpHeaderNames.ETAG);
			return etag != null && weakMatch(ifNoneMatch, etag.trim());
		}
		HttpMethod method = request.method();
		if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
			return false;
		}
		String since = fields.get(HttpHeaderNames.IF_MODIFIED_SINCE);
		if (since == null) {
			return false;
		}
		Instant ifModifiedSince = Freshness.parse(since);
		String lastModifiedValue = response.header(HttpHeaderNames.LAST_MODIFIED);
		Instant lastModified = (lastModifiedValue != null) ? Freshness.parse(lastModifiedValue) : null;
		if (lastModified == null) {
			// RFC 9110 §13.1.3: without Last-Modified, compare with the date of the
			// response.
			String date = response.header(HttpHeaderNames.DATE);
			lastModified = (date != null) ? Freshness.parse(date) : null;
		}
		return ifModifiedSince != null && lastModified != null && !lastModified.isAfter(ifModifiedSince);
	}

	/**
	 * Turn a response header into its 304: the status, without the fields that describe a
	 * body.
	 * @param response the response header, changed in place
	 */
	public static void toNotModified(ResponseHeader response) {
		response.setStatus(304);
		for (CharSequence name : NOT_IN_304) {
			response.removeHeader(name);
		}
	}

	/**
	 * Whether the request carries a precondition the cache would have to evaluate.
	 * @param request the request
	 * @return {@code true} if it has {@code If-*} or {@code Range} fields
	 */
	public static boolean isConditional(RequestHeader request) {
		HttpHeaders fields = request.headers();
		return fields.contains(HttpHeaderNames.IF_NONE_MATCH) || fields.contains(HttpHeaderNames.IF_MODIFIED_SINCE)
				|| fields.contains(HttpHeaderNames.IF_MATCH) || fields.contains(HttpHeaderNames.IF_UNMODIFIED_SINCE)
				|| fields.contains(HttpHeaderNames.IF_RANGE) || fields.contains(HttpHeaderNames.RANGE);
	}

	/**
	 * Remove the client's preconditions and range from a request going to the origin on
	 * the cache's behalf (the cache wants the whole response, and applies them itself).
	 * @param fields the upstream request's fields, changed in place
	 */
	public static void removePreconditions(HttpHeaders fields) {
		fields.remove(HttpHeaderNames.IF_MATCH);
		fields.remove(HttpHeaderNames.IF_NONE_MATCH);
		fields.remove(HttpHeaderNames.IF_MODIFIED_SINCE);
		fields.remove(HttpHeaderNames.IF_UNMODIFIED_SINCE);
		fields.remove(HttpHeaderNames.IF_RANGE);
		fields.remove(HttpHeaderNames.RANGE);
	}

	/**
	 * Add the validators of a stored response to a request that revalidates it.
	 * @param fields the upstream request's fields, changed in place
	 * @param stored the stored response's fields
	 */
	public static void addValidators(HttpHeaders fields, HttpHeaders stored) {
		String etag = stored.get(HttpHeaderNames.ETAG);
		if (etag != null) {
			fields.set(HttpHeaderNames.IF_NONE_MATCH, etag);
		}
		String lastModified = stored.get(HttpHeaderNames.LAST_MODIFIED);
		if (lastModified != null) {
			fields.set(HttpHeaderNames.IF_MODIFIED_SINCE, lastModified);
		}
	}

	/**
	 * The stored fields updated by a 304 (RFC 9111 §4.3.4): each field the 304 carries
	 * replaces the stored one of its name, except those that describe the body.
	 * @param stored the stored response's fields
	 * @param notModified the 304's fields
	 * @return the merged fields, a new mutable set
	 */
	public static HttpHeaders merge(HttpHeaders stored, HttpHeaders notModified) {
		HttpHeaders merged = new io.netty.handler.codec.http.DefaultHttpHeaders().add(stored);
		for (String name : notModified.names()) {
			if (isBodyField(name)) {
				continue;
			}
			merged.set(name, notModified.getAll(name));
		}
		return merged;
	}

	private static boolean isBodyField(String name) {
		return HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
				|| HttpHeaderNames.CONTENT_ENCODING.contentEqualsIgnoreCase(name)
				|| HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
				|| HttpHeaderNames.CONTENT_RANGE.contentEqualsIgnoreCase(name);
	}

	private static boolean weakMatch(List<String> lines, String etag) {
		String opaque = opaque(etag);
		for (String line : lines) {
			for (String candidate : line.split(",")) {
				String tag = candidate.trim();
				if (tag.equals("*") || (!tag.isEmpty() && opaque(tag).equals(opaque))) {
					return true;
				}
			}
		}
		return false;
	}

	private static String opaque(String etag) {
		return etag.startsWith("W/") ? etag.substring(2) : etag;
	}

}
