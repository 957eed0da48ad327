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

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import dev.pingora.lb.Backend;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;

/**
 * A named upstream of the routing proxy: a load balancer over backends, how to talk to
 * them (TLS, SNI, peer options) and how many times a failed connection is retried on
 * another backend.
 *
 * @since 0.1.0
 */
public final class UpstreamGroup {

	private final String name;

	private final LoadBalancer loadBalancer;

	private final int retries;

	private final Map<Backend, HttpPeer> peers = new HashMap<>();

	private UpstreamGroup(String name, LoadBalancer loadBalancer, boolean tls, String sni, PeerOptions options,
			int retries) {
		this.name = name;
		this.loadBalancer = loadBalancer;
		this.retries = retries;
		for (Backend backend : loadBalancer.backends()) {
			HttpPeer peer = tls ? HttpPeer.tls(backend.host(), backend.port(), sni.isEmpty() ? backend.host() : sni)
					: HttpPeer.of(backend.host(), backend.port());
			this.peers.put(backend, peer.withOptions(options));
		}
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
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(loadBalancer, "loadBalancer");
		Objects.requireNonNull(sni, "sni");
		Objects.requireNonNull(options, "options");
		if (retries < 0) {
			throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
		}
		return new UpstreamGroup(name, loadBalancer, tls, sni, options, retries);
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
	 * Return how many more backends are tried when connecting fails.
	 * @return the retries
	 */
	public int retries() {
		return this.retries;
	}

	/**
	 * Return the peer of a backend of this upstream.
	 * @param backend the backend
	 * @return the peer, with this upstream's TLS settings and options
	 */
	public HttpPeer peer(Backend backend) {
		HttpPeer peer = this.peers.get(backend);
		if (peer == null) {
			throw new IllegalArgumentException(
					"backend: " + backend + " (expected: a backend of upstream " + this.name + ")");
		}
		return peer;
	}

}
