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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import dev.pingora.lb.Backend;
import dev.pingora.lb.BackendSelection;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.routing.Route;
import dev.pingora.routing.RouteTable;
import dev.pingora.routing.RoutingProxy;
import dev.pingora.routing.UpstreamGroup;
import dev.pingora.server.Listener;
import dev.pingora.server.ServerConf;
import dev.pingora.upstream.PeerOptions;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;

/**
 * Turns {@code pingora.*} properties into engine objects. Every value the engine rejects
 * becomes an {@link InvalidConfigurationPropertyValueException} that names the property,
 * the value and the fix, so that start-up fails with a message a user can act on.
 */
final class PingoraConfigurationMapper {

	private PingoraConfigurationMapper() {
	}

	static ServerConf serverConf(PingoraServerProperties properties, Duration shutdownPhaseTimeout) {
		ServerConf.Builder builder = ServerConf.builder();
		PropertyMapper map = PropertyMapper.get();
		String prefix = "pingora.server.";
		map.from(properties::getThreads)
			.to((threads) -> check(prefix + "threads", threads, () -> builder.threads(threads)));
		check(prefix + "keepalive-timeout", properties.getKeepaliveTimeout(),
				() -> builder.keepaliveTimeout(properties.getKeepaliveTimeout()));
		check(prefix + "read-timeout", properties.getReadTimeout(),
				() -> builder.readTimeout(orNone(properties.getReadTimeout())));
		check(prefix + "keepalive-request-limit", properties.getKeepaliveRequestLimit(),
				() -> builder.keepaliveRequestLimit(properties.getKeepaliveRequestLimit()));
		check(prefix + "max-request-line-length", properties.getMaxRequestLineLength(),
				() -> builder.maxRequestLineLength(toInt(properties.getMaxRequestLineLength().toBytes())));
		check(prefix + "max-header-size", properties.getMaxHeaderSize(),
				() -> builder.maxHeaderSize(toInt(properties.getMaxHeaderSize().toBytes())));
		check(prefix + "max-headers", properties.getMaxHeaders(), () -> builder.maxHeaders(properties.getMaxHeaders()));
		Duration grace = properties.getGracePeriod();
		check(prefix + "grace-period", grace, () -> builder.gracePeriod(capped(grace, shutdownPhaseTimeout)));
		builder.forwardedHeaders(properties.isForwardedHeaders());
		check(prefix + "max-retries", properties.getMaxRetries(), () -> builder.maxRetries(properties.getMaxRetries()));
		check(prefix + "retry-buffer-size", properties.getRetryBufferSize(),
				() -> builder.retryBufferSize(toInt(properties.getRetryBufferSize().toBytes())));
		check(prefix + "max-connections-per-peer", properties.getMaxConnectionsPerPeer(),
				() -> builder.maxConnectionsPerPeer(properties.getMaxConnectionsPerPeer()));
		return builder.build();
	}

	static List<Listener> listeners(PingoraServerProperties properties) {
		if (properties.getListeners().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException("pingora.server.listeners", "[]",
					"The proxy needs at least one listener, for example pingora.server.listeners[0].address=0.0.0.0:8080, "
							+ "or set pingora.server.enabled=false to run without it.");
		}
		List<Listener> listeners = new ArrayList<>();
		for (int i = 0; i < properties.getListeners().size(); i++) {
			PingoraServerProperties.Listener listener = properties.getListeners().get(i);
			String name = "pingora.server.listeners[" + i + "]";
			if (listener.getTls().getCertificate() != null || listener.getTls().getPrivateKey() != null) {
				throw new InvalidConfigurationPropertyValueException(name + ".tls.certificate",
						listener.getTls().getCertificate(),
						"TLS termination is not available in this version; remove the tls settings and terminate TLS in front of the proxy.");
			}
			String address = required(name + ".address", listener.getAddress(),
					"Set it to host:port, [v6-address]:port, :port or unix:/path.");
			listeners.add(check(name + ".address", address, () -> Listener.parse(address)));
		}
		return listeners;
	}

	static RoutingProxy routingProxy(PingoraRoutingProperties properties) {
		Map<String, UpstreamGroup> upstreams = new LinkedHashMap<>();
		properties.getUpstreams().forEach((name, upstream) -> upstreams.put(name, upstream(name, upstream)));
		List<Route> routes = new ArrayList<>();
		for (int i = 0; i < properties.getRoutes().size(); i++) {
			routes.add(route(i, properties.getRoutes().get(i), upstreams));
		}
		return new RoutingProxy(RouteTable.of(routes), upstreams);
	}

	private static Route route(int index, PingoraRoutingProperties.Route properties,
			Map<String, UpstreamGroup> upstreams) {
		String name = "pingora.routes[" + index + "]";
		String upstream = required(name + ".upstream", properties.getUpstream(),
				"Name one of the upstreams defined under pingora.upstreams " + upstreams.keySet() + ".");
		if (!upstreams.containsKey(upstream)) {
			throw new InvalidConfigurationPropertyValueException(name + ".upstream", upstream,
					"No upstream has that name; define pingora.upstreams." + upstream + ".backends or use one of "
							+ upstreams.keySet() + ".");
		}
		if (properties.isCache()) {
			throw new InvalidConfigurationPropertyValueException(name + ".cache", true,
					"The HTTP cache is not available in this version; remove the property.");
		}
		String id = StringUtils.hasText(properties.getId()) ? properties.getId() : "route-" + index;
		Route.Builder builder = Route.builder(id, upstream);
		check(name + ".host", properties.getHost(), () -> builder.host(properties.getHost()));
		check(name + ".path-prefix", properties.getPathPrefix(), () -> builder.pathPrefix(properties.getPathPrefix()));
		List<HttpMethod> methods = new ArrayList<>();
		for (String method : properties.getMethods()) {
			methods.add(
					check(name + ".methods", method, () -> HttpMethod.valueOf(method.trim().toUpperCase(Locale.ROOT))));
		}
		builder.methods(Set.copyOf(methods));
		properties.getHeaders()
			.forEach((header, value) -> builder.header(header, StringUtils.hasLength(value) ? value : null));
		return builder.stripPrefix(properties.isStripPrefix())
			.addRequestHeaders(properties.getRequestHeaders().getAdd())
			.removeRequestHeaders(properties.getRequestHeaders().getRemove())
			.addResponseHeaders(properties.getResponseHeaders().getAdd())
			.removeResponseHeaders(properties.getResponseHeaders().getRemove())
			.build();
	}

	private static UpstreamGroup upstream(String upstreamName, PingoraRoutingProperties.Upstream properties) {
		String name = "pingora.upstreams." + upstreamName;
		if (!"static".equals(properties.getDiscovery())) {
			throw new InvalidConfigurationPropertyValueException(name + ".discovery", properties.getDiscovery(),
					"Only static discovery is available in this version; list the backends under " + name
							+ ".backends.");
		}
		if (properties.getHealthCheck().getType() != null) {
			throw new InvalidConfigurationPropertyValueException(name + ".health-check.type",
					properties.getHealthCheck().getType(),
					"Health checks are not available in this version; remove the health-check settings.");
		}
		if (properties.getBackends().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(name + ".backends", "[]",
					"An upstream needs at least one backend, for example " + name
							+ ".backends[0].address=127.0.0.1:8080.");
		}
		List<Backend> backends = new ArrayList<>();
		for (int i = 0; i < properties.getBackends().size(); i++) {
			PingoraRoutingProperties.Backend backend = properties.getBackends().get(i);
			String backendName = name + ".backends[" + i + "]";
			String address = required(backendName + ".address", backend.getAddress(),
					"Set it to host:port or [v6-address]:port.");
			Backend parsed = check(backendName + ".address", address, () -> Backend.parse(address));
			backends
				.add(check(backendName + ".weight", backend.getWeight(), () -> parsed.withWeight(backend.getWeight())));
		}
		BackendSelection selection = selection(name + ".selection", properties.getSelection());
		PingoraRoutingProperties.Peer peer = properties.getPeer();
		PeerOptions options = peerOptions(name + ".peer", peer);
		String sni = (peer.getSni() != null) ? peer.getSni() : "";
		return check(name + ".retries", properties.getRetries(), () -> UpstreamGroup.of(upstreamName,
				LoadBalancer.of(backends, selection), peer.isTls(), sni, options, properties.getRetries()));
	}

	private static BackendSelection selection(String name, String selection) {
		String normalized = selection.trim().toLowerCase(Locale.ROOT);
		if ("round-robin".equals(normalized) || "weighted".equals(normalized)) {
			return BackendSelection.roundRobin();
		}
		throw new InvalidConfigurationPropertyValueException(name, selection,
				"This version offers round-robin (weighted by each backend's weight); use it.");
	}

	private static PeerOptions peerOptions(String name, PingoraRoutingProperties.Peer peer) {
		PeerOptions options = PeerOptions.defaults();
		options = with(name + ".connect-timeout", peer.getConnectTimeout(), options,
				(current) -> current.withConnectionTimeout(orNone(peer.getConnectTimeout())));
		options = with(name + ".total-connect-timeout", peer.getTotalConnectTimeout(), options,
				(current) -> current.withTotalConnectionTimeout(orNone(peer.getTotalConnectTimeout())));
		options = with(name + ".read-timeout", peer.getReadTimeout(), options,
				(current) -> current.withReadTimeout(orNone(peer.getReadTimeout())));
		options = with(name + ".write-timeout", peer.getWriteTimeout(), options,
				(current) -> current.withWriteTimeout(orNone(peer.getWriteTimeout())));
		options = with(name + ".idle-timeout", peer.getIdleTimeout(), options,
				(current) -> current.withIdleTimeout(peer.getIdleTimeout()));
		options = options.withVerifyCert(peer.isVerifyCert()).withVerifyHostname(peer.isVerifyHostname());
		if (peer.getCaCertificates() != null) {
			String location = peer.getCaCertificates();
			Path file = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
			if (!Files.isReadable(file)) {
				throw new InvalidConfigurationPropertyValueException(name + ".ca-certificates", location,
						"No readable file at " + file.toAbsolutePath()
								+ "; give the path of a PEM file of CA certificates (file: prefix optional).");
			}
			options = options.withCaCertificates(file);
		}
		return options;
	}

	private static PeerOptions with(String name, @Nullable Object value, PeerOptions options,
			UnaryOperator<PeerOptions> change) {
		return check(name, value, () -> change.apply(options));
	}

	private static <T> T check(String name, @Nullable Object value, Supplier<T> action) {
		try {
			return action.get();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(name, value, ex.getMessage());
		}
	}

	private static String required(String name, @Nullable String value, String fix) {
		if (!StringUtils.hasText(value)) {
			throw new InvalidConfigurationPropertyValueException(name, value, "The property is required. " + fix);
		}
		return value;
	}

	/**
	 * A zero duration in the properties means "no timeout" (the engine's {@code null}).
	 */
	private static @Nullable Duration orNone(@Nullable Duration timeout) {
		return (timeout == null || timeout.isZero()) ? null : timeout;
	}

	private static int toInt(long bytes) {
		if (bytes > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"size: " + bytes + " bytes (expected: at most " + Integer.MAX_VALUE + ")");
		}
		return (int) bytes;
	}

	private static Duration capped(Duration grace, Duration shutdownPhaseTimeout) {
		// Leave a second of the shutdown phase for closing connections and event loops.
		Duration budget = shutdownPhaseTimeout.minusSeconds(1);
		return (budget.isNegative() || grace.compareTo(budget) <= 0) ? grace : budget;
	}

}
