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

package dev.pingora.routing;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.pingora.lb.Backend;
import dev.pingora.lb.Backends;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;
import org.jspecify.annotations.Nullable;

/**
 * A named upstream of the routing proxy: a load balancer over backends, how to talk to
 * them (TLS, SNI, peer options), what key-based selections hash, and how many times a
 * failed connection is retried on another backend.
 *
 * @since 0.1.0
 */
public final class UpstreamGroup {

	private final String name;

	private final LoadBalancer loadBalancer;

	private final Function<Backend, HttpPeer> peerFactory;

	private final @Nullable HashKey hashKey;

	private final int retries;

	private final Map<Backend, HttpPeer> peers = new ConcurrentHashMap<>();

	private UpstreamGroup(Builder builder) {
		this.name = builder.name;
		this.loadBalancer = builder.loadBalancer;
		this.peerFactory = builder.peers;
		this.hashKey = builder.hashKey;
		this.retries = builder.retries;
		// Forget the peers of backends discovery dropped; requests in progress hold
		// theirs.
		this.loadBalancer.onUpdate(this::retain);
	}

	/**
	 * Create an upstream.
	 * @param name the name routes refer to
	 * @param loadBalancer the backends and how to pick among them
	 * @param tls whether to use TLS to the backends
	 * @param sni the TLS server name, or an empty string for each backend's host
	 * @param options the connection options
	 * @param retries how many more backends to try when connecting fails, 0 or more
	 * @return the upstream
	 */
	public static UpstreamGroup of(String name, LoadBalancer loadBalancer, boolean tls, String sni, PeerOptions options,
			int retries) {
		return builder(name, loadBalancer).peers(peers(tls, sni, options)).retries(retries).build();
	}

	/**
	 * Start building an upstream.
	 * @param name the name routes refer to
	 * @param loadBalancer the backends and how to pick among them
	 * @return a new builder
	 */
	public static Builder builder(String name, LoadBalancer loadBalancer) {
		return new Builder(name, loadBalancer);
	}

	/**
	 * Return the function that makes each backend's peer, with shared TLS settings and
	 * options. Give the same function to an HTTP or TCP health check so that it probes
	 * backends the way requests reach them.
	 * @param tls whether to use TLS
	 * @param sni the TLS server name, or an empty string for each backend's host
	 * @param options the connection options
	 * @return the function
	 */
	public static Function<Backend, HttpPeer> peers(boolean tls, String sni, PeerOptions options) {
		Objects.requireNonNull(sni, "sni");
		Objects.requireNonNull(options, "options");
		return (backend) -> {
			HttpPeer peer = tls ? HttpPeer.tls(backend.host(), backend.port(), sni.isEmpty() ? backend.host() : sni)
					: HttpPeer.of(backend.host(), backend.port());
			return peer.withOptions(options);
		};
	}

	/**
	 * Return the name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the load balancer.
	 * @return the load balancer
	 */
	public LoadBalancer loadBalancer() {
		return this.loadBalancer;
	}

	/**
	 * Return what key-based selections hash.
	 * @return the hash key, or {@code null} if requests have no key
	 */
	public @Nullable HashKey hashKey() {
		return this.hashKey;
	}

	/**
	 * Return how many more backends are tried when connecting fails.
	 * @return the retries
	 */
	public int retries() {
		return this.retries;
	}

	/**
	 * Return the peer of a backend.
	 * @param backend the backend
	 * @return the peer, with this upstream's TLS settings and options
	 */
	public HttpPeer peer(Backend backend) {
		HttpPeer peer = this.peers.get(backend);
		if (peer != null) {
			return peer;
		}
		// A request may hold a backend that discovery just dropped: give it a peer, but
		// do
		// not cache it again.
		return (this.loadBalancer.backends().state(backend) != null)
				? this.peers.computeIfAbsent(backend, this.peerFactory) : this.peerFactory.apply(backend);
	}

	private void retain(Backends backends) {
		this.peers.keySet().removeIf((backend) -> backends.state(backend) == null);
	}

	@Override
	public String toString() {
		return "upstream " + this.name;
	}

	/**
	 * Builds an {@link UpstreamGroup}.
	 */
	public static final class Builder {

		private final String name;

		private final LoadBalancer loadBalancer;

		private Function<Backend, HttpPeer> peers = UpstreamGroup.peers(false, "", PeerOptions.defaults());

		private @Nullable HashKey hashKey;

		private int retries;

		private Builder(String name, LoadBalancer loadBalancer) {
			this.name = Objects.requireNonNull(name, "name");
			this.loadBalancer = Objects.requireNonNull(loadBalancer, "loadBalancer");
		}

		/**
		 * Set how each backend becomes a peer.
		 * @param peers the function; plain text with default options by default
		 * @return this builder
		 * @see UpstreamGroup#peers(boolean, String, PeerOptions)
		 */
		public Builder peers(Function<Backend, HttpPeer> peers) {
			this.peers = Objects.requireNonNull(peers, "peers");
			return this;
		}

		/**
		 * Set what key-based selections hash.
		 * @param hashKey the key, or {@code null} for none
		 * @return this builder
		 */
		public Builder hashKey(@Nullable HashKey hashKey) {
			this.hashKey = hashKey;
			return this;
		}

		/**
		 * Set how many more backends are tried when connecting fails.
		 * @param retries the retries, 0 or more; 0 by default
		 * @return this builder
		 */
		public Builder retries(int retries) {
			if (retries < 0) {
				throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
			}
			this.retries = retries;
			return this;
		}

		/**
		 * Build the upstream.
		 * @return the upstream
		 */
		public UpstreamGroup build() {
			return new UpstreamGroup(this);
		}

	}

}
