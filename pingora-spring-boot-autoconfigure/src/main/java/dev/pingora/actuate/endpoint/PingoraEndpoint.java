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
import java.util.Locale;
import java.util.Map;

import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.CacheKey;
import dev.pingora.cache.CachePhase;
import dev.pingora.cache.MemoryStorage;
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
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code pingora} Actuator endpoint: the proxy's listeners, routes, upstreams,
 * backends and HTTP cache, and the removal of a stored response.
 *
 * @since 0.1.0
 */
@Endpoint(id = "pingora")
public class PingoraEndpoint {

	private final Server server;

	private final @Nullable RoutingProxy routing;

	private final Map<String, UpstreamGroup> upstreams;

	private final Map<String, LoadBalancer> loadBalancers;

	private final @Nullable CacheConfig cache;

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
		this(server, routing, upstreams, loadBalancers, null);
	}

	/**
	 * Create the endpoint, with the HTTP cache.
	 * @param server the proxy server
	 * @param routing the routing proxy, or {@code null} when the application has its own
	 * {@code ProxyHttp}
	 * @param upstreams the configured upstreams by name
	 * @param loadBalancers every load balancer to show, by upstream name
	 * @param cache the HTTP cache, or {@code null} for none
	 */
	public PingoraEndpoint(Server server, @Nullable RoutingProxy routing, Map<String, UpstreamGroup> upstreams,
			Map<String, LoadBalancer> loadBalancers, @Nullable CacheConfig cache) {
		this.cache = cache;
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
				routes, upstreams, cache());
	}

	private @Nullable CacheDescriptor cache() {
		CacheConfig config = this.cache;
		if (config == null) {
			return null;
		}
		Map<String, Long> phases = new LinkedHashMap<>();
		for (CachePhase phase : CachePhase.values()) {
			long count = config.stats().count(phase);
			if (count > 0) {
				phases.put(phase.name().toLowerCase(Locale.ROOT).replace('_', '-'), count);
			}
		}
		Long entries = null;
		Long bytes = null;
		Long evictions = null;
		if (config.storage() instanceof MemoryStorage memory) {
			entries = memory.size();
			bytes = memory.weightedSize();
			evictions = memory.evictions();
		}
		return new CacheDescriptor(config.storage().getClass().getSimpleName(), entries, bytes, evictions, phases,
				config.stats().lockWaits(), config.stats().purges());
	}

	/**
	 * Remove a stored response (all its variants): {@code DELETE
	 * /actuator/pingora/cache/{key}}. The key is the stored key, URL-encoded as one path
	 * segment (such as {@code GET http://example.com/path?q}); a key that does not start
	 * with a method is taken as the URL of a {@code GET}.
	 * @param section {@code cache}
	 * @param key the key
	 * @return 200 with the key when a response was removed, 404 when none was stored or
	 * there is no cache
	 */
	@DeleteOperation
	public WebEndpointResponse<PurgeDescriptor> purge(@Selector String section, @Selector String key) {
		CacheConfig config = this.cache;
		if (config == null || !"cache".equals(section)) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		String primary = (key.indexOf(' ') > 0) ? key : "GET " + key;
		boolean purged = config.storage().purge(new CacheKey(primary, null));
		if (purged) {
			config.stats().purged();
		}
		return new WebEndpointResponse<>(new PurgeDescriptor(primary, purged),
				purged ? WebEndpointResponse.STATUS_OK : WebEndpointResponse.STATUS_NOT_FOUND);
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
	 * @param cache the HTTP cache, or {@code null} for none
	 */
	public record PingoraDescriptor(boolean running, List<ListenerDescriptor> listeners, String proxy,
			List<RouteDescriptor> routes, Map<String, UpstreamDescriptor> upstreams,
			@Nullable CacheDescriptor cache) implements OperationResponseBody {
	}

	/**
	 * The HTTP cache.
	 *
	 * @param storage the storage's type
	 * @param entries the stored responses, or {@code null} when the storage does not tell
	 * @param bytes the bytes stored, or {@code null} when the storage does not tell
	 * @param evictions the responses evicted, or {@code null} when the storage does not
	 * tell
	 * @param phases the requests by the cache phase they ended in
	 * @param lockWaits the waits for the cache lock
	 * @param purges the purges that removed a response
	 */
	public record CacheDescriptor(String storage, @Nullable Long entries, @Nullable Long bytes,
			@Nullable Long evictions, Map<String, Long> phases, long lockWaits, long purges) {
	}

	/**
	 * The outcome of a purge.
	 *
	 * @param key the key
	 * @param purged whether a stored response was removed
	 */
	public record PurgeDescriptor(String key, boolean purged) implements OperationResponseBody {
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
