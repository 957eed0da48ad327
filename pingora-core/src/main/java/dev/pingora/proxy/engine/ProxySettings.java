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

package dev.pingora.proxy.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What the request path needs from the server configuration.
 *
 * @param maxRetries the most upstream attempts per request, at least 1
 * @param retryBufferSize the most request body bytes kept for replaying a request to
 * another attempt
 * @param maxHeaders the most header fields a request may carry
 * @param forwardedHeaders whether to append {@code X-Forwarded-For}, {@code -Proto} and
 * {@code -Host} to upstream requests
 * @param keepaliveTimeout how long a client connection may stay idle between requests,
 * {@code null} for no limit
 * @param readTimeout the longest time between two reads of a request body, {@code null}
 * for no limit
 * @param keepaliveRequestLimit the most requests one client connection carries before it
 * is closed, 0 for no limit
 * @since 0.1.0
 */
public record ProxySettings(int maxRetries, int retryBufferSize, int maxHeaders, boolean forwardedHeaders,
		@Nullable Duration keepaliveTimeout, @Nullable Duration readTimeout, int keepaliveRequestLimit) {

	/**
	 * Settings without client timeouts.
	 * @param maxRetries the most upstream attempts per request, at least 1
	 * @param retryBufferSize the retry buffer size in bytes, at least 0
	 * @param maxHeaders the most header fields a request may carry, at least 1
	 * @param forwardedHeaders whether to append {@code X-Forwarded-*} headers
	 */
	public ProxySettings(int maxRetries, int retryBufferSize, int maxHeaders, boolean forwardedHeaders) {
		this(maxRetries, retryBufferSize, maxHeaders, forwardedHeaders, null, null, 0);
	}

	/**
	 * Settings without a limit on requests per client connection.
	 * @param maxRetries the most upstream attempts per request, at least 1
	 * @param retryBufferSize the retry buffer size in bytes, at least 0
	 * @param maxHeaders the most header fields a request may carry, at least 1
	 * @param forwardedHeaders whether to append {@code X-Forwarded-*} headers
	 * @param keepaliveTimeout the client keep-alive timeout, {@code null} for none
	 * @param readTimeout the request body read timeout, {@code null} for none
	 */
	public ProxySettings(int maxRetries, int retryBufferSize, int maxHeaders, boolean forwardedHeaders,
			@Nullable Duration keepaliveTimeout, @Nullable Duration readTimeout) {
		this(maxRetries, retryBufferSize, maxHeaders, forwardedHeaders, keepaliveTimeout, readTimeout, 0);
	}

	/**
	 * Check the settings.
	 * @param maxRetries the most upstream attempts per request, at least 1
	 * @param retryBufferSize the retry buffer size in bytes, at least 0
	 * @param maxHeaders the most header fields a request may carry, at least 1
	 * @param forwardedHeaders whether to append {@code X-Forwarded-*} headers
	 * @param keepaliveTimeout the client keep-alive timeout, {@code null} for none
	 * @param readTimeout the request body read timeout, {@code null} for none
	 * @param keepaliveRequestLimit the most requests per client connection, 0 for no
	 * limit
	 */
	public ProxySettings {
		if (maxRetries < 1) {
			throw new IllegalArgumentException("maxRetries: " + maxRetries + " (expected: >= 1)");
		}
		if (retryBufferSize < 0) {
			throw new IllegalArgumentException("retryBufferSize: " + retryBufferSize + " (expected: >= 0)");
		}
		if (maxHeaders < 1) {
			throw new IllegalArgumentException("maxHeaders: " + maxHeaders + " (expected: >= 1)");
		}
		if (keepaliveRequestLimit < 0) {
			throw new IllegalArgumentException("keepaliveRequestLimit: " + keepaliveRequestLimit + " (expected: >= 0)");
		}
	}

}
