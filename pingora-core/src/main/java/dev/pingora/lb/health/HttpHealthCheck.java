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

package dev.pingora.lb.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntPredicate;

import dev.pingora.http.ResponseHeader;
import dev.pingora.lb.Backend;
import dev.pingora.upstream.HttpPeer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A health check that sends {@code GET <path>} to the backend over a new connection and
 * validates the response; the body is read and discarded. By default the status must be
 * 200, as in Pingora.
 *
 * <p>
 * Pingora counterpart: {@code HttpHealthCheck} (with {@code reuse_connection = false},
 * its default).
 *
 * @since 0.1.0
 */
public final class HttpHealthCheck extends AbstractHealthCheck {

	private final String path;

	private final @Nullable String host;

	private final Map<String, String> headers;

	private final Duration readTimeout;

	private final Validator validator;

	private HttpHealthCheck(Builder builder) {
		super(builder);
		this.path = builder.path;
		this.host = builder.host;
		this.headers = Map.copyOf(builder.headers);
		this.readTimeout = builder.readTimeout;
		this.validator = builder.validator;
	}

	/**
	 * Start building an HTTP check.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public Mono<Void> check(Backend backend) {
		HttpPeer peer = peer(backend);
		String hostHeader = (this.host != null) ? this.host
				: (peer.isTls() && !peer.sni().isEmpty()) ? peer.sni() : target(backend).address();
		HttpClient client = HttpClient.create(ConnectionProvider.newConnection())
			.remoteAddress(peer::address)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis())
			.responseTimeout(this.readTimeout)
			.disableRetry(true)
			.followRedirect(false)
			.compress(false)
			.headers((headers) -> {
				headers.set(HttpHeaderNames.HOST, hostHeader);
				this.headers.forEach(headers::set);
			});
		if (peer.isTls()) {
			client = client.secure(sslProvider(peer));
		}
		return client.get()
			.uri(this.path)
			.response((response,
					body) -> body.then(Mono.fromCallable(() -> ResponseHeader.wrap(response.status().code(),
							response.version(), response.responseHeaders()))))
			.next()
			.timeout(connectTimeout().plus(this.readTimeout).plus(this.readTimeout))
			.flatMap((response) -> {
				try {
					this.validator.validate(response);
					return Mono.<Void>empty();
				}
				catch (Exception ex) {
					return Mono.error(ex);
				}
			});
	}

	@Override
	public String toString() {
		return "http " + this.path;
	}

	/**
	 * Decides whether a response means healthy.
	 */
	@FunctionalInterface
	public interface Validator {

		/**
		 * Validate a response.
		 * @param response the response header
		 * @throws Exception if the backend is unhealthy; the message says why
		 */
		void validate(ResponseHeader response) throws Exception;

		/**
		 * Return a validator that accepts the statuses a predicate accepts.
		 * @param statuses the accepted statuses
		 * @param description what is expected, for the failure message
		 * @return the validator
		 */
		static Validator status(IntPredicate statuses, String description) {
			return (response) -> {
				if (!statuses.test(response.status())) {
					throw new IllegalStateException("status " + response.status() + " (expected: " + description + ")");
				}
			};
		}

	}

	/**
	 * Builds an {@link HttpHealthCheck}.
	 */
	public static final class Builder extends AbstractHealthCheck.Builder<Builder> {

		private String path = "/";

		private @Nullable String host;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private Duration readTimeout = Duration.ofSeconds(1);

		private Validator validator = Validator.status((status) -> status == 200, "200");

		private Builder() {
		}

		/**
		 * Set the path (and query) to request.
		 * @param path an origin-form target starting with {@code /}; {@code /} by default
		 * @return this builder
		 */
		public Builder path(String path) {
			Objects.requireNonNull(path, "path");
			if (!path.startsWith("/")) {
				throw new IllegalArgumentException("path: '" + path + "' (expected: starts with /)");
			}
			this.path = path;
			return this;
		}

		/**
		 * Set the {@code Host} header.
		 * @param host the host, or {@code null} for the TLS SNI or else the probed
		 * {@code host:port}
		 * @return this builder
		 */
		public Builder host(@Nullable String host) {
			this.host = host;
			return this;
		}

		/**
		 * Add a request header.
		 * @param name the name
		 * @param value the value
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			this.headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
			return this;
		}

		/**
		 * Set how long to wait for each read of the response.
		 * @param readTimeout the timeout, positive; 1 second by default
		 * @return this builder
		 */
		public Builder readTimeout(Duration readTimeout) {
			this.readTimeout = positive("readTimeout", readTimeout);
			return this;
		}

		/**
		 * Accept only these statuses.
		 * @param statuses the statuses, at least one
		 * @return this builder
		 */
		public Builder expectedStatus(int... statuses) {
			if (statuses.length == 0) {
				throw new IllegalArgumentException("statuses: none (expected: at least one)");
			}
			int[] copy = statuses.clone();
			StringBuilder description = new StringBuilder();
			for (int status : copy) {
				if (status < 100 || status > 599) {
					throw new IllegalArgumentException("status: " + status + " (expected: 100 to 599)");
				}
				description.append((description.length() > 0) ? " or " : "").append(status);
			}
			this.validator = Validator.status((actual) -> {
				for (int status : copy) {
					if (status == actual) {
						return true;
					}
				}
				return false;
			}, description.toString());
			return this;
		}

		/**
		 * Set how responses are validated, replacing {@link #expectedStatus(int...)}.
		 * @param validator the validator
		 * @return this builder
		 */
		public Builder validator(Validator validator) {
			this.validator = Objects.requireNonNull(validator, "validator");
			return this;
		}

		/**
		 * Build the check.
		 * @return the check
		 */
		public HttpHealthCheck build() {
			return new HttpHealthCheck(this);
		}

	}

}
