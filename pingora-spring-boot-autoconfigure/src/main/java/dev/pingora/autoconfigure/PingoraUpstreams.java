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

package dev.pingora.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.pingora.lb.LoadBalancer;
import dev.pingora.routing.UpstreamGroup;

/**
 * The upstreams configured under {@code pingora.upstreams}, by name: what the routing
 * proxy routes to, and what user code can use too. Each upstream's {@link LoadBalancer}
 * is also a bean of its own, qualified by the upstream's name:
 *
 * <pre class="code">
 * &#64;Bean
 * MyProxy myProxy(&#64;Qualifier("users") LoadBalancer users) { ... }
 * </pre>
 *
 * @since 0.1.0
 */
public final class PingoraUpstreams {

	private final Map<String, UpstreamGroup> upstreams;

	/**
	 * Create the upstreams.
	 * @param upstreams the upstreams by name
	 */
	public PingoraUpstreams(Map<String, UpstreamGroup> upstreams) {
		this.upstreams = Map.copyOf(Objects.requireNonNull(upstreams, "upstreams"));
	}

	/**
	 * Return the upstreams by name.
	 * @return the upstreams
	 */
	public Map<String, UpstreamGroup> asMap() {
		return this.upstreams;
	}

	/**
	 * Return an upstream.
	 * @param name its name under {@code pingora.upstreams}
	 * @return the upstream
	 * @throws IllegalArgumentException if there is none of that name
	 */
	public UpstreamGroup get(String name) {
		UpstreamGroup upstream = this.upstreams.get(name);
		if (upstream == null) {
			throw new IllegalArgumentException(
					"upstream: '" + name + "' (expected one of " + this.upstreams.keySet() + ")");
		}
		return upstream;
	}

	/**
	 * Return the load balancer of an upstream.
	 * @param name its name under {@code pingora.upstreams}
	 * @return the load balancer
	 * @throws IllegalArgumentException if there is no upstream of that name
	 */
	public LoadBalancer loadBalancer(String name) {
		return get(name).loadBalancer();
	}

	/**
	 * Return the load balancers by upstream name.
	 * @return the load balancers
	 */
	public Map<String, LoadBalancer> loadBalancers() {
		Map<String, LoadBalancer> balancers = new LinkedHashMap<>();
		this.upstreams.forEach((name, upstream) -> balancers.put(name, upstream.loadBalancer()));
		return balancers;
	}

}
