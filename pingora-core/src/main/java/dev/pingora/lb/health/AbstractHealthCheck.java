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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.pingora.lb.Backend;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerTls;
import reactor.netty.tcp.SslProvider;

/**
 * What the {@link TcpHealthCheck} and the {@link HttpHealthCheck} share: how a backend
 * becomes a peer to probe (address, TLS, SNI, certificate checks), a port override, the
 * connect timeout and the thresholds.
 *
 * @since 0.1.0
 */
public abstract class AbstractHealthCheck implements HealthCheck {

	private final Function<Backend, HttpPeer> peers;

	private final int port;

	private final Duration connectTimeout;

	private final int healthyThreshold;

	private final int unhealthyThreshold;

	private final Map<TlsKey, SslProvider> tls = new ConcurrentHashMap<>();

	/**
	 * Create a health check from its builder.
	 * @param builder the builder
	 */
	protected AbstractHealthCheck(Builder<?> builder) {
		this.peers = builder.peers;
		this.port = builder.port;
		this.connectTimeout = builder.connectTimeout;
		this.healthyThreshold = builder.healthyThreshold;
		this.unhealthyThreshold = builder.unhealthyThreshold;
	}

	@Override
	public int threshold(boolean success) {
		return success ? this.healthyThreshold : this.unhealthyThreshold;
	}

	/**
	 * Return the connect timeout.
	 * @return the connect timeout
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * Return the peer to probe for a backend, with the port override applied.
	 * @param backend the backend
	 * @return the peer
	 */
	protected HttpPeer peer(Backend backend) {
		return this.peers.apply(target(backend));
	}

	/**
	 * Return what is probed for a backend: the backend, or its host at the port override.
	 * @param backend the backend
	 * @return the target
	 */
	protected Backend target(Backend backend) {
		return (this.port == 0) ? backend : Backend.of(backend.host(), this.port);
	}

	/**
	 * Return the TLS settings for a peer, built once per distinct SNI and options.
	 * @param peer a TLS peer
	 * @return the TLS settings
	 */
	protected SslProvider sslProvider(HttpPeer peer) {
		return this.tls.computeIfAbsent(new TlsKey(peer.sni(), peer.options()), (key) -> PeerTls.sslProvider(peer));
	}

	/**
	 * Return the connect timeout in milliseconds, as Netty's
	 * {@code CONNECT_TIMEOUT_MILLIS} wants it.
	 * @return the timeout, at least 1
	 */
	protected int connectTimeoutMillis() {
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, this.connectTimeout.toMillis()));
	}

	private record TlsKey(String sni, Object options) {
	}

	/**
	 * Builds a health check.
	 *
	 * @param <B> the builder type
	 */
	public abstract static class Builder<B extends Builder<B>> {

		private Function<Backend, HttpPeer> peers = (backend) -> HttpPeer.of(backend.host(), backend.port());

		private int port;

		private Duration connectTimeout = Duration.ofSeconds(1);

		private int healthyThreshold = 1;

		private int unhealthyThreshold = 1;

		/**
		 * Create a builder.
		 */
		protected Builder() {
		}

		/**
		 * Set how a backend becomes a peer: plain or TLS, its SNI, whether to verify its
		 * certificate. Pingora's {@code peer_template}. By default a plain-text peer at
		 * the backend's address.
		 * @param peers the backend-to-peer function, for example an upstream's
		 * @return this builder
		 */
		public B peers(Function<Backend, HttpPeer> peers) {
			this.peers = Objects.requireNonNull(peers, "peers");
			return self();
		}

		/**
		 * Probe another port of each backend (Pingora's {@code port_override}).
		 * @param port the port, or 0 for the backend's own port
		 * @return this builder
		 */
		public B port(int port) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port: " + port + " (expected: 0 for the backend's, or 1 to 65535)");
			}
			this.port = port;
			return self();
		}

		/**
		 * Set the connect timeout (TLS handshake included for a TCP check).
		 * @param connectTimeout the timeout, positive; 1 second by default
		 * @return this builder
		 */
		public B connectTimeout(Duration connectTimeout) {
			this.connectTimeout = positive("connectTimeout", connectTimeout);
			return self();
		}

		/**
		 * Set how many consecutive passed checks make an unhealthy backend healthy.
		 * @param threshold the threshold, 1 or more; 1 by default
		 * @return this builder
		 */
		public B healthyThreshold(int threshold) {
			this.healthyThreshold = atLeastOne("healthyThreshold", threshold);
			return self();
		}

		/**
		 * Set how many consecutive failed checks make a healthy backend unhealthy.
		 * @param threshold the threshold, 1 or more; 1 by default
		 * @return this builder
		 */
		public B unhealthyThreshold(int threshold) {
			this.unhealthyThreshold = atLeastOne("unhealthyThreshold", threshold);
			return self();
		}

		@SuppressWarnings("unchecked")
		private B self() {
			return (B) this;
		}

		static Duration positive(String name, Duration duration) {
			Objects.requireNonNull(duration, name);
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + ": " + duration + " (expected: > 0)");
			}
			return duration;
		}

		private static int atLeastOne(String name, int value) {
			if (value < 1) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
			}
			return value;
		}

	}

}
