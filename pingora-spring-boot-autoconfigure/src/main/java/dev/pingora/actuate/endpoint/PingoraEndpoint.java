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

package dev.pingora.actuate.endpoint;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.pingora.lb.Backend;
import dev.pingora.lb.BackendState;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.lb.PassiveHealthCheck;
import dev.pingora.lb.health.HealthCheck;
import dev.pingora.routing.Route;
import dev.pingora.routing.RoutingProxy;
import dev.pingora.routing.UpstreamGroup;
import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code pingora} Actuator endpoint: the proxy's listeners, routes, upstreams and
 * backends, read-only.
 *
 * @since 0.1.0
 */
@Endpoint(id = "pingora")
public class PingoraEndpoint {

	private final Server server;

	private final @Nullable RoutingProxy routing;

	private final Map<String, UpstreamGroup> upstreams;

	private final Map<String, LoadBalancer> loadBalancers;

	/**
	 * Create the endpoint.
	 * @param server the proxy server
	 * @param routing the routing proxy, or {@code null} when the application has its own
	 * {@code ProxyHttp}
	 * @param upstreams the configured upstreams by name
	 * @param loadBalancers every load balancer to show, by upstream name
	 */
	public PingoraEndpoint(Server server, @Nullable RoutingProxy routing, Map<String, UpstreamGroup> upstreams,
			Map<String, LoadBalancer> loadBalancers) {
		this.server = server;
		this.routing = routing;
		this.upstreams = Map.copyOf(upstreams);
		this.loadBalancers = new LinkedHashMap<>(loadBalancers);
	}

	private UpstreamDescriptor upstream(String name, LoadBalancer balancer) {
		List<BackendDescriptor> backends = new ArrayList<>();
		int ready = 0;
		for (BackendState state : balancer.backends().states()) {
			Backend backend = state.backend();
			boolean isReady = balancer.isReady(backend);
			ready += isReady ? 1 : 0;
			boolean ejected = state.isHealthy() && state.isEnabled() && !isReady;
			backends.add(new BackendDescriptor(backend.address(), backend.weight(), isReady, state.isHealthy(),
					state.isEnabled(), ejected, state.inflight(), state.requests(), state.failures()));
		}
		UpstreamGroup upstream = this.upstreams.get(name);
		boolean configured = upstream != null && upstream.loadBalancer() == balancer;
		HealthCheck check = balancer.healthCheck();
		PassiveHealthCheck passive = balancer.passiveHealthCheck();
		return new UpstreamDescriptor(balancer.selection().name(),
				(configured && upstream.hashKey() != null) ? String.valueOf(upstream.hashKey()) : null,
				(check != null) ? check.toString() : null,
				(passive != null) ? passive.consecutiveFailures() + " failures, cool-down " + passive.coolDown() : null,
				configured ? upstream.retries() : null, ready, backends);
	}

	/**
	 * Describe the proxy.
	 * @return the descriptor
	 */
	@ReadOperation
	public PingoraDescriptor pingora() {
		List<ListenerDescriptor> listeners = new ArrayList<>();
		List<SocketAddress> bound = this.server.isRunning() ? this.server.boundAddresses() : List.of();
		List<Listener> configured = this.server.listeners();
		for (int i = 0; i < configured.size(); i++) {
			listeners.add(new ListenerDescriptor(configured.get(i).toString(),
					(i < bound.size()) ? String.valueOf(bound.get(i)) : null));
		}
		List<RouteDescriptor> routes = new ArrayList<>();
		Map<String, UpstreamDescriptor> upstreams = new LinkedHashMap<>();
		if (this.routing != null) {
			for (Route route : this.routing.routes().routes()) {
				Map<String, String> headers = new LinkedHashMap<>();
				route.headers().forEach((name, value) -> headers.put(name, (value != null) ? value : ""));
				routes.add(new RouteDescriptor(route.id(), route.host(), route.pathPrefix(),
						route.methods().stream().map(Object::toString).sorted().toList(), headers, route.upstream(),
						route.stripPrefix()));
			}
		}
		this.loadBalancers.forEach((name, balancer) -> upstreams.put(name, upstream(name, balancer)));
		return new PingoraDescriptor(this.server.isRunning(), listeners, (this.routing != null) ? "routing" : "custom",
				routes, upstreams);
	}

	/**
	 * The proxy as the endpoint shows it.
	 *
	 * @param running whether the proxy is serving
	 * @param listeners the listeners
	 * @param proxy {@code routing} for the configured routing proxy, {@code custom} for
	 * an application's own {@code ProxyHttp}
	 * @param routes the routes
	 * @param upstreams the upstreams by name
	 */
	public record PingoraDescriptor(boolean running, List<ListenerDescriptor> listeners, String proxy,
			List<RouteDescriptor> routes, Map<String, UpstreamDescriptor> upstreams) implements OperationResponseBody {
	}

	/**
	 * A listener.
	 *
	 * @param address the configured address
	 * @param bound the bound address, or {@code null} when not listening
	 */
	public record ListenerDescriptor(String address, @Nullable String bound) {
	}

	/**
	 * A route.
	 *
	 * @param id the route's name
	 * @param host the host it matches, or {@code null} for any
	 * @param pathPrefix the path prefix it matches
	 * @param methods the methods it matches, empty for any
	 * @param headers the header fields it requires: the exact value, or an empty string
	 * when presence is enough
	 * @param upstream the upstream's name
	 * @param stripPrefix whether the prefix is stripped
	 */
	public record RouteDescriptor(String id, @Nullable String host, String pathPrefix, List<String> methods,
			Map<String, String> headers, String upstream, boolean stripPrefix) {
	}

	/**
	 * An upstream.
	 *
	 * @param selection how backends are picked
	 * @param hashKey what key-based selections hash, or {@code null}
	 * @param healthCheck the active health check, or {@code null} for none
	 * @param passiveHealthCheck the passive health check, or {@code null} for none
	 * @param retries how many other backends are tried when connecting fails, or
	 * {@code null} for a load balancer that is not a configured upstream
	 * @param ready how many backends are ready
	 * @param backends the backends
	 */
	public record UpstreamDescriptor(String selection, @Nullable String hashKey, @Nullable String healthCheck,
			@Nullable String passiveHealthCheck, @Nullable Integer retries, int ready,
			List<BackendDescriptor> backends) {
	}

	/**
	 * A backend.
	 *
	 * @param address the address
	 * @param weight the weight
	 * @param ready whether it takes new requests (healthy, enabled, not ejected)
	 * @param healthy what the active health check says
	 * @param enabled whether it is enabled
	 * @param ejected whether passive health checking ejected it
	 * @param inflight its requests in progress
	 * @param requests the requests sent to it
	 * @param failures the requests that failed because of it
	 */
	public record BackendDescriptor(String address, int weight, boolean ready, boolean healthy, boolean enabled,
			boolean ejected, int inflight, long requests, long failures) {
	}

}
