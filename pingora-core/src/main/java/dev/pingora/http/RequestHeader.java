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

package dev.pingora.http;

import java.util.Objects;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * A mutable HTTP request header: method, request target, version and header fields.
 *
 * <p>
 * Header fields are Netty {@link HttpHeaders}: names compare case-insensitively and keep
 * the case they were written with on HTTP/1.1. The downstream request header of a
 * {@code Session} wraps the fields the server parsed, without a copy: what a phase
 * changes there is what the upstream request is built from.
 *
 * <p>
 * Pingora counterpart: {@code pingora_http::RequestHeader}.
 *
 * @since 0.1.0
 */
public final class RequestHeader {

	private HttpMethod method;

	private String uri;

	private HttpVersion version;

	private final HttpHeaders headers;

	private RequestHeader(HttpMethod method, String uri, HttpVersion version, HttpHeaders headers) {
		this.method = method;
		this.uri = uri;
		this.version = version;
		this.headers = headers;
	}

	/**
	 * Create an HTTP/1.1 request header with no header fields.
	 * @param method the method
	 * @param uri the request target, usually an origin-form path and query such as
	 * {@code /a/b?c=d}
	 * @return a new request header
	 */
	public static RequestHeader of(HttpMethod method, String uri) {
		return wrap(method, uri, HttpVersion.HTTP_1_1, new DefaultHttpHeaders());
	}

	/**
	 * Create a request header around existing header fields, without copying them.
	 * @param method the method
	 * @param uri the request target
	 * @param version the HTTP version
	 * @param headers the header fields, used as is
	 * @return a new request header
	 */
	public static RequestHeader wrap(HttpMethod method, String uri, HttpVersion version, HttpHeaders headers) {
		Objects.requireNonNull(method, "method");
		Objects.requireNonNull(uri, "uri");
		Objects.requireNonNull(version, "version");
		Objects.requireNonNull(headers, "headers");
		return new RequestHeader(method, uri, version, headers);
	}

	/**
	 * Return the request method.
	 * @return the method
	 */
	public HttpMethod method() {
		return this.method;
	}

	/**
	 * Set the request method.
	 * @param method the method
	 * @return this header
	 */
	public RequestHeader setMethod(HttpMethod method) {
		this.method = Objects.requireNonNull(method, "method");
		return this;
	}

	/**
	 * Return the request target as received, for example {@code /search?q=pingora}.
	 * @return the request target
	 */
	public String uri() {
		return this.uri;
	}

	/**
	 * Set the request target, for example to rewrite the path sent upstream.
	 * @param uri the request target, usually an origin-form path and query
	 * @return this header
	 */
	public RequestHeader setUri(String uri) {
		this.uri = Objects.requireNonNull(uri, "uri");
		return this;
	}

	/**
	 * Return the path of the request target: everything before the first {@code ?}, and
	 * for an absolute-form target ({@code http://host/path}, RFC 9112 §3.2.2) without the
	 * scheme and authority.
	 * @return the path
	 */
	public String path() {
		int start = pathStart(this.uri);
		int query = this.uri.indexOf('?', start);
		if (start == 0) {
			return (query >= 0) ? this.uri.substring(0, query) : this.uri;
		}
		String path = (query >= 0) ? this.uri.substring(start, query) : this.uri.substring(start);
		return path.isEmpty() ? "/" : path;
	}

	/**
	 * Return the query of the request target: everything after the first {@code ?}.
	 * @return the query, or {@code null} if there is none
	 */
	public @Nullable String query() {
		int query = this.uri.indexOf('?', pathStart(this.uri));
		return (query >= 0) ? this.uri.substring(query + 1) : null;
	}

	/**
	 * Return the request target in origin form (path and query), whatever form it was
	 * received in.
	 * @return the origin-form target, starting with {@code /} (or {@code *} for
	 * {@code OPTIONS *})
	 */
	public String originForm() {
		int start = pathStart(this.uri);
		if (start == 0) {
			return this.uri;
		}
		String rest = this.uri.substring(start);
		return rest.isEmpty() ? "/" : (rest.charAt(0) == '?') ? "/" + rest : rest;
	}

	/**
	 * Whether the request target is in absolute form, such as {@code http://host/path}.
	 * @return {@code true} for an absolute-form target
	 */
	public boolean isAbsoluteForm() {
		return pathStart(this.uri) > 0;
	}

	private static int pathStart(String uri) {
		if (uri.isEmpty() || uri.charAt(0) == '/' || uri.charAt(0) == '*') {
			return 0;
		}
		int scheme = uri.indexOf("://");
		if (scheme <= 0) {
			return 0;
		}
		int authorityEnd = scheme + 3;
		while (authorityEnd < uri.length() && uri.charAt(authorityEnd) != '/' && uri.charAt(authorityEnd) != '?') {
			authorityEnd++;
		}
		return authorityEnd;
	}

	/**
	 * Return the HTTP version.
	 * @return the version
	 */
	public HttpVersion version() {
		return this.version;
	}

	/**
	 * Set the HTTP version.
	 * @param version the version
	 * @return this header
	 */
	public RequestHeader setVersion(HttpVersion version) {
		this.version = Objects.requireNonNull(version, "version");
		return this;
	}

	/**
	 * Return the header fields, which may be changed in place.
	 * @return the header fields
	 */
	public HttpHeaders headers() {
		return this.headers;
	}

	/**
	 * Return the first value of a header field.
	 * @param name the field name, compared case-insensitively
	 * @return the value, or {@code null} if the field is absent
	 */
	public @Nullable String header(CharSequence name) {
		return this.headers.get(name);
	}

	/**
	 * Set a header field, replacing any value it had.
	 * @param name the field name
	 * @param value the value
	 * @return this header
	 */
	public RequestHeader setHeader(CharSequence name, Object value) {
		this.headers.set(name, value);
		return this;
	}

	/**
	 * Add a value to a header field, keeping the values it had.
	 * @param name the field name
	 * @param value the value
	 * @return this header
	 */
	public RequestHeader appendHeader(CharSequence name, Object value) {
		this.headers.add(name, value);
		return this;
	}

	/**
	 * Remove a header field.
	 * @param name the field name
	 * @return this header
	 */
	public RequestHeader removeHeader(CharSequence name) {
		this.headers.remove(name);
		return this;
	}

	/**
	 * Return the value of the {@code Host} header field.
	 * @return the host, or {@code null} if the field is absent
	 */
	public @Nullable String host() {
		return this.headers.get(HttpHeaderNames.HOST);
	}

	/**
	 * Return a deep copy of this header.
	 * @return a new request header with copied header fields
	 */
	public RequestHeader copy() {
		return new RequestHeader(this.method, this.uri, this.version, this.headers.copy());
	}

	@Override
	public String toString() {
		return this.method + " " + this.uri + " " + this.version;
	}

}
