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
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * A mutable HTTP response header: status, version and header fields.
 *
 * <p>
 * On the proxied path the response header given to {@code upstreamResponseFilter} and
 * {@code responseFilter} is the one that will be written downstream: the upstream's
 * fields, copied once, minus hop-by-hop fields.
 *
 * <p>
 * Pingora counterpart: {@code pingora_http::ResponseHeader}.
 *
 * @since 0.1.0
 */
public final class ResponseHeader {

	private int status;

	private @Nullable String reason;

	private HttpVersion version;

	private final HttpHeaders headers;

	private ResponseHeader(int status, HttpVersion version, HttpHeaders headers) {
		this.status = status;
		this.version = version;
		this.headers = headers;
	}

	/**
	 * Create an HTTP/1.1 response header with no header fields.
	 * @param status the status code, 100 to 999
	 * @return a new response header
	 */
	public static ResponseHeader of(int status) {
		return wrap(status, HttpVersion.HTTP_1_1, new DefaultHttpHeaders());
	}

	/**
	 * Create a response header around existing header fields, without copying them.
	 * @param status the status code, 100 to 999
	 * @param version the HTTP version
	 * @param headers the header fields, used as is
	 * @return a new response header
	 */
	public static ResponseHeader wrap(int status, HttpVersion version, HttpHeaders headers) {
		Objects.requireNonNull(version, "version");
		Objects.requireNonNull(headers, "headers");
		return new ResponseHeader(checkStatus(status), version, headers);
	}

	/**
	 * Return the status code.
	 * @return the status code
	 */
	public int status() {
		return this.status;
	}

	/**
	 * Set the status code; the reason phrase goes back to the standard one.
	 * @param status the status code, 100 to 999
	 * @return this header
	 */
	public ResponseHeader setStatus(int status) {
		this.status = checkStatus(status);
		this.reason = null;
		return this;
	}

	/**
	 * Return the reason phrase.
	 * @return the reason phrase set with {@link #setReason(String)}, or the standard
	 * phrase of the status code
	 */
	public String reason() {
		return (this.reason != null) ? this.reason : HttpResponseStatus.valueOf(this.status).reasonPhrase();
	}

	/**
	 * Set a custom reason phrase (HTTP/1.x only).
	 * @param reason the reason phrase, or {@code null} for the standard one
	 * @return this header
	 */
	public ResponseHeader setReason(@Nullable String reason) {
		this.reason = reason;
		return this;
	}

	/**
	 * Return the HTTP version.
	 * @return the version
	 */
	public HttpVersion version() {
		return this.version;
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
	public ResponseHeader setHeader(CharSequence name, Object value) {
		this.headers.set(name, value);
		return this;
	}

	/**
	 * Add a value to a header field, keeping the values it had.
	 * @param name the field name
	 * @param value the value
	 * @return this header
	 */
	public ResponseHeader appendHeader(CharSequence name, Object value) {
		this.headers.add(name, value);
		return this;
	}

	/**
	 * Remove a header field.
	 * @param name the field name
	 * @return this header
	 */
	public ResponseHeader removeHeader(CharSequence name) {
		this.headers.remove(name);
		return this;
	}

	/**
	 * Return the status as a Netty {@link HttpResponseStatus}, with the custom reason
	 * phrase if one was set.
	 * @return the status
	 */
	public HttpResponseStatus nettyStatus() {
		return (this.reason != null) ? new HttpResponseStatus(this.status, this.reason)
				: HttpResponseStatus.valueOf(this.status);
	}

	/**
	 * Return a deep copy of this header.
	 * @return a new response header with copied header fields
	 */
	public ResponseHeader copy() {
		ResponseHeader copy = new ResponseHeader(this.status, this.version, this.headers.copy());
		copy.reason = this.reason;
		return copy;
	}

	@Override
	public String toString() {
		return this.version + " " + this.status + " " + reason();
	}

	private static int checkStatus(int status) {
		if (status < 100 || status > 999) {
			throw new IllegalArgumentException("status: " + status + " (expected: 100 to 999)");
		}
		return status;
	}

}
