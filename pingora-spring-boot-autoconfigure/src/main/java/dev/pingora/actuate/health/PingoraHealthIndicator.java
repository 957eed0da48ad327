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

package dev.pingora.actuate.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import dev.pingora.lb.BackendState;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.routing.RoutingProxy;
import dev.pingora.server.Server;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;

/**
 * The {@code pingora} health component: up while the proxy listens, with its bound
 * addresses, the number of routes, and each upstream's backends and their state
 * ({@code ready}, {@code unhealthy}, {@code ejected} or {@code disabled}). An upstream
 * without a ready backend does not take the component down: its requests get 503 while
 * other upstreams keep serving, and taking the whole gateway out of its load balancer
 * would make that worse.
 *
 * @since 0.1.0
 */
public class PingoraHealthIndicator implements ReactiveHealthIndicator {

	private final Server server;

	private final @Nullable RoutingProxy routing;

	private final Map<String, LoadBalancer> loadBalancers;

	/**
	 * Create the indicator.
	 * @param server the proxy server
	 * @param routing the routing proxy, or {@code null} when the application has its own
	 * {@code ProxyHttp}
	 * @param loadBalancers the load balancers to report, by upstream name
	 */
	public PingoraHealthIndicator(Server server, @Nullable RoutingProxy routing,
			Map<String, LoadBalancer> loadBalancers) {
		this.server = server;
		this.routing = routing;
		this.loadBalancers = Map.copyOf(loadBalancers);
	}

	private static Map<String, Object> upstream(LoadBalancer balancer) {
		Map<String, String> backends = new LinkedHashMap<>();
		int ready = 0;
		for (BackendState state : balancer.backends().states()) {
			String status = status(balancer, state);
			if ("ready".equals(status)) {
				ready++;
			}
			backends.put(state.backend().address(), status);
		}
		Map<String, Object> upstream = new LinkedHashMap<>();
		upstream.put("ready", ready);
		upstream.put("total", backends.size());
		upstream.put("backends", backends);
		return upstream;
	}

	private static String status(LoadBalancer balancer, BackendState state) {
		if (balancer.isReady(state.backend())) {
			return "ready";
		}
		if (!state.isEnabled()) {
			return "disabled";
		}
		return state.isHealthy() ? "ejected" : "unhealthy";
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromSupplier(() -> {
			Health.Builder builder = this.server.isRunning() ? Health.up() : Health.down();
			builder.withDetail("listening", this.server.isRunning()
					? this.server.boundAddresses().stream().map(String::valueOf).toList() : java.util.List.of());
			builder.withDetail("inflight", this.server.inflight());
			if (this.routing != null) {
				builder.withDetail("routes", this.routing.routes().routes().size());
			}
			Map<String, Object> upstreams = new TreeMap<>();
			this.loadBalancers.forEach((name, balancer) -> upstreams.put(name, upstream(balancer)));
			builder.withDetail("upstreams", upstreams);
			return builder.build();
		});
	}

}
