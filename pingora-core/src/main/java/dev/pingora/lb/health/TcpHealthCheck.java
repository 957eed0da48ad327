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

import dev.pingora.lb.Backend;
import dev.pingora.upstream.HttpPeer;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.tcp.TcpClient;

/**
 * A health check that opens a TCP connection to the backend, and completes a TLS
 * handshake when the backend's peer uses TLS. Healthy if that succeeds within the connect
 * timeout.
 *
 * <p>
 * Pingora counterpart: {@code TcpHealthCheck} ({@code new()} and {@code new_tls(sni)}).
 *
 * @since 0.1.0
 */
public final class TcpHealthCheck extends AbstractHealthCheck {

	private TcpHealthCheck(Builder builder) {
		super(builder);
	}

	/**
	 * Return a TCP check with the defaults: plain TCP to the backend's address, a
	 * 1-second timeout, thresholds of 1.
	 * @return the check
	 */
	public static TcpHealthCheck of() {
		return builder().build();
	}

	/**
	 * Start building a TCP check.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public Mono<Void> check(Backend backend) {
		HttpPeer peer = peer(backend);
		TcpClient client = TcpClient.create(ConnectionProvider.newConnection())
			.remoteAddress(peer::address)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis());
		if (peer.isTls()) {
			client = client.secure(sslProvider(peer));
		}
		return client.connect().doOnNext(Connection::dispose).then().timeout(connectTimeout());
	}

	@Override
	public String toString() {
		return "tcp";
	}

	/**
	 * Builds a {@link TcpHealthCheck}.
	 */
	public static final class Builder extends AbstractHealthCheck.Builder<Builder> {

		private Builder() {
		}

		/**
		 * Build the check.
		 * @return the check
		 */
		public TcpHealthCheck build() {
			return new TcpHealthCheck(this);
		}

	}

}
