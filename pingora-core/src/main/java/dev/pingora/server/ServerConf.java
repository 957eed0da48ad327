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

package dev.pingora.server;

import java.time.Duration;
import java.util.Objects;

import dev.pingora.upstream.Connector;
import org.jspecify.annotations.Nullable;

/**
 * Server-wide settings: threads, downstream connection limits and timeouts, retries and
 * graceful shutdown. Immutable; build one with {@link #builder()}.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr>
 * <th>setting</th>
 * <th>default</th>
 * <th>Pingora</th>
 * </tr>
 * <tr>
 * <td>threads</td>
 * <td>available processors</td>
 * <td>{@code threads}</td>
 * </tr>
 * <tr>
 * <td>grace period</td>
 * <td>30 s</td>
 * <td>{@code grace_period_seconds} (300 s)</td>
 * </tr>
 * <tr>
 * <td>max retries (attempts per request)</td>
 * <td>16</td>
 * <td>{@code max_retries}</td>
 * </tr>
 * <tr>
 * <td>retry buffer</td>
 * <td>64 KiB</td>
 * <td>{@code BODY_BUF_LIMIT}</td>
 * </tr>
 * <tr>
 * <td>keep-alive timeout</td>
 * <td>60 s</td>
 * <td>keepalive 60 s</td>
 * </tr>
 * <tr>
 * <td>read timeout (request body)</td>
 * <td>60 s</td>
 * <td>read timeout 60 s</td>
 * </tr>
 * <tr>
 * <td>keep-alive request limit</td>
 * <td>0 (unlimited)</td>
 * <td>{@code keepalive_request_limit}</td>
 * </tr>
 * <tr>
 * <td>max request line</td>
 * <td>16 KiB</td>
 * <td>part of the 1 MiB header limit</td>
 * </tr>
 * <tr>
 * <td>max header size</td>
 * <td>64 KiB</td>
 * <td>1 MiB</td>
 * </tr>
 * <tr>
 * <td>max header fields</td>
 * <td>256</td>
 * <td>256</td>
 * </tr>
 * <tr>
 * <td>X-Forwarded-* headers</td>
 * <td>off</td>
 * <td>-</td>
 * </tr>
 * <tr>
 * <td>max connections per upstream peer</td>
 * <td>2048</td>
 * <td>unlimited</td>
 * </tr>
 * </table>
 *
 * <p>
 * Pingora counterpart: {@code pingora_core::server::configuration::ServerConf}.
 *
 * @since 0.1.0
 */
public final class ServerConf {

	private static final ServerConf DEFAULTS = builder().build();

	private final int threads;

	private final Duration gracePeriod;

	private final int maxRetries;

	private final int retryBufferSize;

	private final Duration keepaliveTimeout;

	private final @Nullable Duration readTimeout;

	private final int keepaliveRequestLimit;

	private final boolean http2;

	private final int http2MaxConcurrentStreams;

	private final int http2InitialWindowSize;

	private final int http2UpstreamMaxStreams;

	private final int maxRequestLineLength;

	private final int maxHeaderSize;

	private final int maxHeaders;

	private final boolean forwardedHeaders;

	private final int maxConnectionsPerPeer;

	private ServerConf(Builder builder) {
		this.threads = builder.threads;
		this.gracePeriod = builder.gracePeriod;
		this.maxRetries = builder.maxRetries;
		this.retryBufferSize = builder.retryBufferSize;
		this.keepaliveTimeout = builder.keepaliveTimeout;
		this.readTimeout = builder.readTimeout;
		this.keepaliveRequestLimit = builder.keepaliveRequestLimit;
		this.http2 = builder.http2;
		this.http2MaxConcurrentStreams = builder.http2MaxConcurrentStreams;
		this.http2InitialWindowSize = builder.http2InitialWindowSize;
		this.http2UpstreamMaxStreams = builder.http2UpstreamMaxStreams;
		this.maxRequestLineLength = builder.maxRequestLineLength;
		this.maxHeaderSize = builder.maxHeaderSize;
		this.maxHeaders = builder.maxHeaders;
		this.forwardedHeaders = builder.forwardedHeaders;
		this.maxConnectionsPerPeer = builder.maxConnectionsPerPeer;
	}

	/**
	 * Return the default settings.
	 * @return the defaults
	 */
	public static ServerConf defaults() {
		return DEFAULTS;
	}

	/**
	 * Start building settings from the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return a builder that starts from these settings.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.threads = this.threads;
		builder.gracePeriod = this.gracePeriod;
		builder.maxRetries = this.maxRetries;
		builder.retryBufferSize = this.retryBufferSize;
		builder.keepaliveTimeout = this.keepaliveTimeout;
		builder.readTimeout = this.readTimeout;
		builder.keepaliveRequestLimit = this.keepaliveRequestLimit;
		builder.http2 = this.http2;
		builder.http2MaxConcurrentStreams = this.http2MaxConcurrentStreams;
		builder.http2InitialWindowSize = this.http2InitialWindowSize;
		builder.http2UpstreamMaxStreams = this.http2UpstreamMaxStreams;
		builder.maxRequestLineLength = this.maxRequestLineLength;
		builder.maxHeaderSize = this.maxHeaderSize;
		builder.maxHeaders = this.maxHeaders;
		builder.forwardedHeaders = this.forwardedHeaders;
		builder.maxConnectionsPerPeer = this.maxConnectionsPerPeer;
		return builder;
	}

	/**
	 * Return the number of event-loop threads, shared by downstream and upstream
	 * connections.
	 * @return the thread count
	 */
	public int threads() {
		return this.threads;
	}

	/**
	 * Return how long a graceful shutdown waits for requests in progress before it closes
	 * their connections.
	 * @return the grace period
	 */
	public Duration gracePeriod() {
		return this.gracePeriod;
	}

	/**
	 * Return the most upstream attempts per request (the first attempt counts).
	 * @return the attempt limit
	 */
	public int maxRetries() {
		return this.maxRetries;
	}

	/**
	 * Return the most request body bytes kept to replay a request on another attempt.
	 * @return the size in bytes
	 */
	public int retryBufferSize() {
		return this.retryBufferSize;
	}

	/**
	 * Return how long an idle client connection is kept open between requests.
	 * @return the timeout
	 */
	public Duration keepaliveTimeout() {
		return this.keepaliveTimeout;
	}

	/**
	 * Return the longest time between two reads of a request body from the client.
	 * @return the timeout, or {@code null} for none
	 */
	public @Nullable Duration readTimeout() {
		return this.readTimeout;
	}

	/**
	 * Return the most requests one client connection may carry.
	 * @return the limit, or 0 for no limit
	 */
	public int keepaliveRequestLimit() {
		return this.keepaliveRequestLimit;
	}

	/**
	 * Whether clients may speak HTTP/2: by ALPN ({@code h2}) on TLS listeners, by prior
	 * knowledge (h2c) on plain ones. HTTP/1.1 is served on the same listeners either way.
	 * @return {@code true} if HTTP/2 is offered
	 */
	public boolean http2() {
		return this.http2;
	}

	/**
	 * Return the most streams (requests) a client may have open at once on one HTTP/2
	 * connection.
	 * @return the limit
	 */
	public int http2MaxConcurrentStreams() {
		return this.http2MaxConcurrentStreams;
	}

	/**
	 * Return the HTTP/2 flow-control window of each request body: how much a client may
	 * send before the proxy reads it.
	 * @return the window in bytes
	 */
	public int http2InitialWindowSize() {
		return this.http2InitialWindowSize;
	}

	/**
	 * Return how many requests at most share one HTTP/2 connection to an upstream.
	 * @return the limit
	 */
	public int http2UpstreamMaxStreams() {
		return this.http2UpstreamMaxStreams;
	}

	/**
	 * Return the longest request line accepted; longer ones get 414.
	 * @return the length in bytes
	 */
	public int maxRequestLineLength() {
		return this.maxRequestLineLength;
	}

	/**
	 * Return the largest header section accepted; larger ones get 431.
	 * @return the size in bytes
	 */
	public int maxHeaderSize() {
		return this.maxHeaderSize;
	}

	/**
	 * Return the most header fields a request may carry; more get 431.
	 * @return the field count
	 */
	public int maxHeaders() {
		return this.maxHeaders;
	}

	/**
	 * Whether upstream requests get {@code X-Forwarded-For}, {@code X-Forwarded-Proto}
	 * and {@code X-Forwarded-Host} appended.
	 * @return {@code true} to append them
	 */
	public boolean forwardedHeaders() {
		return this.forwardedHeaders;
	}

	/**
	 * Return the most connections to one upstream peer, in use and idle together.
	 * @return the connection limit
	 */
	public int maxConnectionsPerPeer() {
		return this.maxConnectionsPerPeer;
	}

	/**
	 * Builds {@link ServerConf}; every setter checks its value and names it in the
	 * message when it is out of range.
	 */
	public static final class Builder {

		private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

		private Duration gracePeriod = Duration.ofSeconds(30);

		private int maxRetries = 16;

		private int retryBufferSize = 64 * 1024;

		private Duration keepaliveTimeout = Duration.ofSeconds(60);

		private @Nullable Duration readTimeout = Duration.ofSeconds(60);

		private int keepaliveRequestLimit;

		private boolean http2 = true;

		private int http2MaxConcurrentStreams = 128;

		private int http2InitialWindowSize = 1024 * 1024;

		private int http2UpstreamMaxStreams = 100;

		private int maxRequestLineLength = 16 * 1024;

		private int maxHeaderSize = 64 * 1024;

		private int maxHeaders = 256;

		private boolean forwardedHeaders;

		private int maxConnectionsPerPeer = Connector.DEFAULT_MAX_CONNECTIONS_PER_PEER;

		private Builder() {
		}

		/**
		 * Set the number of event-loop threads.
		 * @param threads at least 1
		 * @return this builder
		 */
		public Builder threads(int threads) {
			this.threads = atLeast("threads", threads, 1);
			return this;
		}

		/**
		 * Set the graceful shutdown grace period.
		 * @param gracePeriod zero or more
		 * @return this builder
		 */
		public Builder gracePeriod(Duration gracePeriod) {
			this.gracePeriod = notNegative("gracePeriod", gracePeriod);
			return this;
		}

		/**
		 * Set the most upstream attempts per request.
		 * @param maxRetries at least 1
		 * @return this builder
		 */
		public Builder maxRetries(int maxRetries) {
			this.maxRetries = atLeast("maxRetries", maxRetries, 1);
			return this;
		}

		/**
		 * Set the retry buffer size.
		 * @param bytes zero or more
		 * @return this builder
		 */
		public Builder retryBufferSize(int bytes) {
			this.retryBufferSize = atLeast("retryBufferSize", bytes, 0);
			return this;
		}

		/**
		 * Set the keep-alive timeout of client connections.
		 * @param timeout positive
		 * @return this builder
		 */
		public Builder keepaliveTimeout(Duration timeout) {
			this.keepaliveTimeout = positive("keepaliveTimeout", timeout);
			return this;
		}

		/**
		 * Set the read timeout for request bodies.
		 * @param timeout positive, or {@code null} for none
		 * @return this builder
		 */
		public Builder readTimeout(@Nullable Duration timeout) {
			this.readTimeout = (timeout != null) ? positive("readTimeout", timeout) : null;
			return this;
		}

		/**
		 * Set the most requests per client connection.
		 * @param limit zero (no limit) or more
		 * @return this builder
		 */
		public Builder keepaliveRequestLimit(int limit) {
			this.keepaliveRequestLimit = atLeast("keepaliveRequestLimit", limit, 0);
			return this;
		}

		/**
		 * Offer HTTP/2 to clients or not (on by default).
		 * @param enabled whether HTTP/2 is offered
		 * @return this builder
		 */
		public Builder http2(boolean enabled) {
			this.http2 = enabled;
			return this;
		}

		/**
		 * Set the most concurrent streams of one HTTP/2 client connection.
		 * @param max at least 1
		 * @return this builder
		 */
		public Builder http2MaxConcurrentStreams(int max) {
			this.http2MaxConcurrentStreams = atLeast("http2MaxConcurrentStreams", max, 1);
			return this;
		}

		/**
		 * Set the HTTP/2 flow-control window of each stream.
		 * @param bytes 65,535 or more
		 * @return this builder
		 */
		public Builder http2InitialWindowSize(int bytes) {
			this.http2InitialWindowSize = atLeast("http2InitialWindowSize", bytes, 65_535);
			return this;
		}

		/**
		 * Set how many requests at most share one HTTP/2 upstream connection (the peer's
		 * own limit may be lower).
		 * @param max at least 1
		 * @return this builder
		 */
		public Builder http2UpstreamMaxStreams(int max) {
			this.http2UpstreamMaxStreams = atLeast("http2UpstreamMaxStreams", max, 1);
			return this;
		}

		/**
		 * Set the longest accepted request line.
		 * @param bytes at least 256
		 * @return this builder
		 */
		public Builder maxRequestLineLength(int bytes) {
			this.maxRequestLineLength = atLeast("maxRequestLineLength", bytes, 256);
			return this;
		}

		/**
		 * Set the largest accepted header section.
		 * @param bytes at least 1024
		 * @return this builder
		 */
		public Builder maxHeaderSize(int bytes) {
			this.maxHeaderSize = atLeast("maxHeaderSize", bytes, 1024);
			return this;
		}

		/**
		 * Set the most header fields per request.
		 * @param count at least 1
		 * @return this builder
		 */
		public Builder maxHeaders(int count) {
			this.maxHeaders = atLeast("maxHeaders", count, 1);
			return this;
		}

		/**
		 * Set whether to append {@code X-Forwarded-*} headers to upstream requests.
		 * @param enabled {@code true} to append them
		 * @return this builder
		 */
		public Builder forwardedHeaders(boolean enabled) {
			this.forwardedHeaders = enabled;
			return this;
		}

		/**
		 * Set the most connections per upstream peer.
		 * @param max at least 1
		 * @return this builder
		 */
		public Builder maxConnectionsPerPeer(int max) {
			this.maxConnectionsPerPeer = atLeast("maxConnectionsPerPeer", max, 1);
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 */
		public ServerConf build() {
			return new ServerConf(this);
		}

		private static int atLeast(String name, int value, int min) {
			if (value < min) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
			}
			return value;
		}

		private static Duration notNegative(String name, Duration value) {
			Objects.requireNonNull(value, name);
			if (value.isNegative()) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
			}
			return value;
		}

		private static Duration positive(String name, Duration value) {
			Objects.requireNonNull(value, name);
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
			}
			return value;
		}

	}

}
