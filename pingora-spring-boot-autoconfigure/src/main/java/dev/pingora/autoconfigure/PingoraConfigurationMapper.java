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

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import javax.net.ssl.KeyManagerFactory;

import dev.pingora.cache.CacheConfig;
import dev.pingora.lb.Backend;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.lb.PassiveHealthCheck;
import dev.pingora.lb.ServiceDiscovery;
import dev.pingora.lb.health.AbstractHealthCheck;
import dev.pingora.lb.health.HealthCheck;
import dev.pingora.lb.health.HttpHealthCheck;
import dev.pingora.lb.health.TcpHealthCheck;
import dev.pingora.lb.selection.BackendSelection;
import dev.pingora.routing.HashKey;
import dev.pingora.routing.Route;
import dev.pingora.routing.RouteTable;
import dev.pingora.routing.RoutingProxy;
import dev.pingora.routing.UpstreamGroup;
import dev.pingora.server.Listener;
import dev.pingora.server.ServerConf;
import dev.pingora.server.TlsSettings;
import dev.pingora.upstream.Alpn;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
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
		PingoraServerProperties.Http2 http2 = properties.getHttp2();
		builder.http2(http2.isEnabled());
		check(prefix + "http2.max-concurrent-streams", http2.getMaxConcurrentStreams(),
				() -> builder.http2MaxConcurrentStreams(http2.getMaxConcurrentStreams()));
		check(prefix + "http2.initial-window-size", http2.getInitialWindowSize(),
				() -> builder.http2InitialWindowSize(toInt(http2.getInitialWindowSize().toBytes())));
		check(prefix + "http2.upstream-max-concurrent-streams", http2.getUpstreamMaxConcurrentStreams(),
				() -> builder.http2UpstreamMaxStreams(http2.getUpstreamMaxConcurrentStreams()));
		return builder.build();
	}

	static List<Listener> listeners(PingoraServerProperties properties) {
		return listeners(properties, new DefaultResourceLoader(), null);
	}

	static List<Listener> listeners(PingoraServerProperties properties, ResourceLoader resources,
			@Nullable SslBundles bundles) {
		if (properties.getListeners().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException("pingora.server.listeners", "[]",
					"The proxy needs at least one listener, for example pingora.server.listeners[0].address=0.0.0.0:8080, "
							+ "or set pingora.server.enabled=false to run without it.");
		}
		List<Listener> listeners = new ArrayList<>();
		for (int i = 0; i < properties.getListeners().size(); i++) {
			PingoraServerProperties.Listener listener = properties.getListeners().get(i);
			String name = "pingora.server.listeners[" + i + "]";
			String address = required(name + ".address", listener.getAddress(),
					"Set it to host:port, [v6-address]:port, :port or unix:/path.");
			Listener parsed = check(name + ".address", address, () -> Listener.parse(address));
			if (listener.getTls().isConfigured()) {
				parsed = parsed.withTls(tls(name + ".tls", listener.getTls(), resources, bundles));
			}
			listeners.add(parsed);
		}
		return listeners;
	}

	private static TlsSettings tls(String name, PingoraServerProperties.Tls properties, ResourceLoader resources,
			@Nullable SslBundles bundles) {
		TlsSettings.Builder builder = TlsSettings.builder();
		SslBundle bundle = null;
		if (properties.getBundle() != null) {
			if (properties.getCertificate() != null || properties.getPrivateKey() != null) {
				throw new InvalidConfigurationPropertyValueException(name + ".bundle", properties.getBundle(),
						"Give the default certificate either as a bundle or as certificate and private-key, not both.");
			}
			String bundleName = properties.getBundle();
			if (bundles == null) {
				throw new InvalidConfigurationPropertyValueException(name + ".bundle", bundleName,
						"There is no SslBundles bean; define the bundle under spring.ssl.bundle.");
			}
			bundle = checkAny(name + ".bundle", bundleName, () -> bundles.getBundle(bundleName));
			KeyManagerFactory keyManager = bundle.getManagers().getKeyManagerFactory();
			builder.keyManager(keyManager, List.of());
		}
		else {
			certificate(builder, name, properties.getCertificate(), properties.getPrivateKey(),
					properties.getPrivateKeyPassword(), resources);
		}
		for (int i = 0; i < properties.getCertificates().size(); i++) {
			PingoraServerProperties.Certificate certificate = properties.getCertificates().get(i);
			certificate(builder, name + ".certificates[" + i + "]", certificate.getCertificate(),
					certificate.getPrivateKey(), certificate.getPrivateKeyPassword(), resources);
		}
		String clientAuth = properties.getClientAuth().trim().toLowerCase(Locale.ROOT);
		TlsSettings.Verification verification = switch (clientAuth) {
			case "none" -> TlsSettings.Verification.NONE;
			case "optional", "want" -> TlsSettings.Verification.OPTIONAL;
			case "require", "need" -> TlsSettings.Verification.REQUIRE;
			default -> throw new InvalidConfigurationPropertyValueException(name + ".client-auth",
					properties.getClientAuth(), "Use none, optional or require.");
		};
		if (verification != TlsSettings.Verification.NONE) {
			if (properties.getTrustCertificates() != null) {
				builder.clientAuth(verification,
						read(name + ".trust-certificates", properties.getTrustCertificates(), resources));
			}
			else if (bundle != null && bundle.getManagers().getTrustManagerFactory() != null) {
				builder.clientAuth(verification, bundle.getManagers().getTrustManagerFactory());
			}
			else {
				throw new InvalidConfigurationPropertyValueException(name + ".trust-certificates", null,
						"Client certificates need the authorities that sign them: set trust-certificates (PEM).");
			}
		}
		check(name + ".protocols", properties.getProtocols(), () -> builder.protocols(properties.getProtocols()));
		builder.ciphers(properties.getCiphers());
		String provider = properties.getProvider().trim().toUpperCase(Locale.ROOT);
		check(name + ".provider", properties.getProvider(),
				() -> builder.provider(TlsSettings.Provider.valueOf(provider)));
		TlsSettings settings = checkAny(name, "tls", builder::build);
		// Build the TLS contexts now, so that a bad certificate or key names its property
		// at startup.
		checkAny(name + ".certificate", properties.getCertificate(), settings::contexts);
		return settings;
	}

	private static void certificate(TlsSettings.Builder builder, String name, @Nullable String certificate,
			@Nullable String privateKey, @Nullable String password, ResourceLoader resources) {
		String chain = required(name + ".certificate", certificate,
				"Set the location of the PEM certificate chain, for example file:/etc/gateway/cert.pem.");
		String key = required(name + ".private-key", privateKey,
				"Set the location of the PEM private key, for example file:/etc/gateway/key.pem.");
		byte[] chainPem = read(name + ".certificate", chain, resources);
		byte[] keyPem = read(name + ".private-key", key, resources);
		check(name + ".certificate", chain, () -> builder.certificate(chain, chainPem, keyPem, password));
	}

	private static byte[] read(String name, String location, ResourceLoader resources) {
		Resource resource = resources.getResource(location);
		try (InputStream in = resource.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new InvalidConfigurationPropertyValueException(name, location,
					"Cannot read it (" + ex.getMessage() + "); use file:/path or classpath:path.");
		}
	}

	static Map<String, UpstreamGroup> upstreams(PingoraRoutingProperties properties,
			@Nullable Function<String, ServiceDiscovery> springCloudDiscovery) {
		Map<String, UpstreamGroup> upstreams = new LinkedHashMap<>();
		properties.getUpstreams()
			.forEach((name, upstream) -> upstreams.put(name, upstream(name, upstream, springCloudDiscovery)));
		return upstreams;
	}

	static RoutingProxy routingProxy(PingoraRoutingProperties properties, Map<String, UpstreamGroup> upstreams) {
		return routingProxy(properties, upstreams, null);
	}

	static RoutingProxy routingProxy(PingoraRoutingProperties properties, Map<String, UpstreamGroup> upstreams,
			RoutingProxy.@Nullable Caching caching) {
		List<Route> routes = new ArrayList<>();
		for (int i = 0; i < properties.getRoutes().size(); i++) {
			routes.add(route(i, properties.getRoutes().get(i), upstreams));
		}
		return new RoutingProxy(RouteTable.of(routes), upstreams, caching);
	}

	static RoutingProxy.Caching caching(PingoraCacheProperties properties, CacheConfig config) {
		Set<InetAddress> purgeFrom = new LinkedHashSet<>();
		List<String> allowed = properties.getPurge().getAllowedAddresses();
		for (int i = 0; i < allowed.size(); i++) {
			String address = allowed.get(i).trim();
			InetAddress parsed = NetUtil.createInetAddressFromIpAddressString(address);
			if (parsed == null) {
				throw new InvalidConfigurationPropertyValueException("pingora.cache.purge.allowed-addresses[" + i + "]",
						address, "Use an IPv4 or IPv6 address literal (no host names, no ranges).");
			}
			purgeFrom.add(parsed);
		}
		return new RoutingProxy.Caching(config, properties.isEnabled(), properties.getPurge().isEnabled(), purgeFrom);
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
			.cache(properties.getCache())
			.addRequestHeaders(properties.getRequestHeaders().getAdd())
			.removeRequestHeaders(properties.getRequestHeaders().getRemove())
			.addResponseHeaders(properties.getResponseHeaders().getAdd())
			.removeResponseHeaders(properties.getResponseHeaders().getRemove())
			.build();
	}

	private static UpstreamGroup upstream(String upstreamName, PingoraRoutingProperties.Upstream properties,
			@Nullable Function<String, ServiceDiscovery> springCloudDiscovery) {
		String name = "pingora.upstreams." + upstreamName;
		PingoraRoutingProperties.Peer peer = properties.getPeer();
		PeerOptions options = peerOptions(name + ".peer", peer);
		String sni = (peer.getSni() != null) ? peer.getSni() : "";
		Function<Backend, HttpPeer> peers = UpstreamGroup.peers(peer.isTls(), sni, options);
		String selectionName = properties.getSelection().trim().toLowerCase(Locale.ROOT);
		LoadBalancer.Builder balancer = LoadBalancer.builder()
			.name(upstreamName)
			.selection(selection(name + ".selection", selectionName));
		discovery(name, upstreamName, properties, balancer, springCloudDiscovery);
		PingoraRoutingProperties.HealthCheck healthCheck = properties.getHealthCheck();
		HealthCheck activeCheck = healthCheck(name + ".health-check", healthCheck, peers);
		check(name + ".health-check.interval", healthCheck.getInterval(),
				() -> balancer.healthCheck(activeCheck, healthCheck.getInterval()));
		balancer.parallelHealthCheck(healthCheck.isParallel());
		balancer
			.passiveHealthCheck(passiveHealthCheck(name + ".passive-health-check", properties.getPassiveHealthCheck()));
		HashKey hashKey = hashKey(name, selectionName, properties.getHashKey());
		LoadBalancer built = check(name + ".backends", properties.getBackends(), balancer::build);
		return check(name + ".retries", properties.getRetries(),
				() -> UpstreamGroup.builder(upstreamName, built)
					.peers(peers)
					.hashKey(hashKey)
					.retries(properties.getRetries())
					.build());
	}

	private static void discovery(String name, String upstreamName, PingoraRoutingProperties.Upstream properties,
			LoadBalancer.Builder balancer, @Nullable Function<String, ServiceDiscovery> springCloudDiscovery) {
		String discovery = properties.getDiscovery().trim().toLowerCase(Locale.ROOT);
		if ("spring-cloud".equals(discovery)) {
			if (springCloudDiscovery == null) {
				throw new InvalidConfigurationPropertyValueException(name + ".discovery", properties.getDiscovery(),
						"Spring Cloud discovery needs spring-cloud-commons and a ReactiveDiscoveryClient bean "
								+ "(for example from spring.cloud.discovery.client.simple.instances or a Consul, "
								+ "Eureka or Kubernetes discovery starter); add one or use static discovery.");
			}
			if (!properties.getBackends().isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(name + ".backends", "[...]",
						"Backends come from Spring Cloud discovery for this upstream; remove " + name
								+ ".backends or set " + name + ".discovery=static.");
			}
			String serviceId = StringUtils.hasText(properties.getServiceId()) ? properties.getServiceId()
					: upstreamName;
			try {
				balancer.discovery(springCloudDiscovery.apply(serviceId));
			}
			catch (IllegalStateException ex) {
				throw new InvalidConfigurationPropertyValueException(name + ".discovery", properties.getDiscovery(),
						"Spring Cloud discovery is not available (" + ex.getMessage() + "); add a discovery client "
								+ "(for example spring.cloud.discovery.client.simple.instances) or use static discovery.");
			}
			check(name + ".discovery-interval", properties.getDiscoveryInterval(),
					() -> balancer.updateInterval(properties.getDiscoveryInterval()));
			return;
		}
		if (!"static".equals(discovery)) {
			throw new InvalidConfigurationPropertyValueException(name + ".discovery", properties.getDiscovery(),
					"Use static (the backends listed under " + name + ".backends) or spring-cloud.");
		}
		if (properties.getBackends().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(name + ".backends", "[]",
					"An upstream needs at least one backend, for example " + name
							+ ".backends[0].address=127.0.0.1:8080, or discovery=spring-cloud.");
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
		balancer.backends(backends);
	}

	private static BackendSelection selection(String name, String selection) {
		return switch (selection) {
			case "round-robin" -> BackendSelection.roundRobin();
			case "weighted", "weighted-round-robin" -> BackendSelection.weightedRoundRobin();
			case "random" -> BackendSelection.random();
			case "hash", "fnv", "fnv-hash" -> BackendSelection.fnvHash();
			case "consistent", "ketama" -> BackendSelection.consistent();
			case "least-request" -> BackendSelection.leastRequest();
			default -> throw new InvalidConfigurationPropertyValueException(name, selection,
					"Use round-robin, weighted, random, hash, consistent or least-request.");
		};
	}

	private static @Nullable HashKey hashKey(String name, String selection, @Nullable String hashKey) {
		boolean keyed = switch (selection) {
			case "hash", "fnv", "fnv-hash", "consistent", "ketama" -> true;
			default -> false;
		};
		if (!keyed) {
			if (StringUtils.hasText(hashKey)) {
				throw new InvalidConfigurationPropertyValueException(name + ".hash-key", hashKey,
						"Only the hash and consistent selections use a hash key; set " + name
								+ ".selection=consistent (or hash), or remove the hash key.");
			}
			return null;
		}
		String spec = StringUtils.hasText(hashKey) ? hashKey : "uri";
		return check(name + ".hash-key", spec, () -> HashKey.parse(spec));
	}

	private static @Nullable HealthCheck healthCheck(String name, PingoraRoutingProperties.HealthCheck properties,
			Function<Backend, HttpPeer> peers) {
		String type = properties.getType();
		if (type == null || type.isBlank() || "none".equalsIgnoreCase(type.trim())) {
			return null;
		}
		switch (type.trim().toLowerCase(Locale.ROOT)) {
			case "tcp" -> {
				TcpHealthCheck.Builder builder = TcpHealthCheck.builder().peers(peers);
				common(name, properties, builder);
				return builder.build();
			}
			case "http" -> {
				HttpHealthCheck.Builder builder = HttpHealthCheck.builder().peers(peers);
				common(name, properties, builder);
				check(name + ".path", properties.getPath(), () -> builder.path(properties.getPath()));
				builder.host(StringUtils.hasText(properties.getHost()) ? properties.getHost() : null);
				check(name + ".read-timeout", properties.getReadTimeout(),
						() -> builder.readTimeout(properties.getReadTimeout()));
				builder.validator(expectedStatus(name + ".expected-status", properties.getExpectedStatus()));
				return builder.build();
			}
			default -> throw new InvalidConfigurationPropertyValueException(name + ".type", type,
					"Use tcp or http, or leave it unset for no active health check.");
		}
	}

	private static void common(String name, PingoraRoutingProperties.HealthCheck properties,
			AbstractHealthCheck.Builder<?> builder) {
		check(name + ".connect-timeout", properties.getConnectTimeout(),
				() -> builder.connectTimeout(properties.getConnectTimeout()));
		check(name + ".port", properties.getPort(), () -> builder.port(properties.getPort()));
		check(name + ".healthy-threshold", properties.getHealthyThreshold(),
				() -> builder.healthyThreshold(properties.getHealthyThreshold()));
		check(name + ".unhealthy-threshold", properties.getUnhealthyThreshold(),
				() -> builder.unhealthyThreshold(properties.getUnhealthyThreshold()));
	}

	private static HttpHealthCheck.Validator expectedStatus(String name, List<String> expected) {
		if (expected.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(name, "[]",
					"List the statuses a healthy backend answers with, for example 200 or 2xx.");
		}
		List<IntPredicate> accepted = new ArrayList<>();
		for (String status : expected) {
			String text = status.trim().toLowerCase(Locale.ROOT);
			if (text.matches("[1-5]xx")) {
				int statusClass = text.charAt(0) - '0';
				accepted.add((actual) -> actual / 100 == statusClass);
			}
			else if (text.matches("[1-5][0-9][0-9]")) {
				int code = Integer.parseInt(text);
				accepted.add((actual) -> actual == code);
			}
			else {
				throw new InvalidConfigurationPropertyValueException(name, status,
						"Give status codes such as 200 or classes such as 2xx.");
			}
		}
		return HttpHealthCheck.Validator.status((actual) -> accepted.stream().anyMatch((p) -> p.test(actual)),
				String.join(" or ", expected));
	}

	private static @Nullable PassiveHealthCheck passiveHealthCheck(String name,
			PingoraRoutingProperties.PassiveHealthCheck properties) {
		if (properties.getConsecutiveFailures() == 0) {
			return null;
		}
		if (properties.getConsecutiveFailures() < 0) {
			throw new InvalidConfigurationPropertyValueException(name + ".consecutive-failures",
					properties.getConsecutiveFailures(), "Use 1 or more, or 0 to turn passive health checks off.");
		}
		return check(name + ".cool-down", properties.getCoolDown(),
				() -> new PassiveHealthCheck(properties.getConsecutiveFailures(), properties.getCoolDown()));
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
			options = options.withCaCertificates(
					readableFile(name + ".ca-certificates", peer.getCaCertificates(), "a PEM file of CA certificates"));
		}
		String protocol = peer.getProtocol().trim().toLowerCase(Locale.ROOT);
		Alpn alpn = switch (protocol) {
			case "h1", "http/1.1" -> Alpn.H1;
			case "h2", "http/2" -> Alpn.H2;
			case "h2-h1", "h2,h1" -> Alpn.H2_H1;
			default -> throw new InvalidConfigurationPropertyValueException(name + ".protocol", peer.getProtocol(),
					"Use h1, h2 or h2-h1.");
		};
		options = options.withAlpn(alpn);
		if (peer.getClientCertificate() != null || peer.getClientKey() != null) {
			String chain = required(name + ".client-certificate", peer.getClientCertificate(),
					"Set the PEM certificate chain shown to the backends, with client-key.");
			String key = required(name + ".client-key", peer.getClientKey(),
					"Set the PEM private key of client-certificate.");
			options = options.withClientCertificate(new PeerOptions.ClientCertificate(
					readableFile(name + ".client-certificate", chain, "a PEM certificate chain"),
					readableFile(name + ".client-key", key, "a PEM private key")));
		}
		return options;
	}

	private static Path readableFile(String name, String location, String what) {
		Path file = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
		if (!Files.isReadable(file)) {
			throw new InvalidConfigurationPropertyValueException(name, location, "No readable file at "
					+ file.toAbsolutePath() + "; give the path of " + what + " (file: prefix optional).");
		}
		return file;
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

	private static <T> T checkAny(String name, @Nullable Object value, Supplier<T> action) {
		try {
			return action.get();
		}
		catch (RuntimeException ex) {
			throw new InvalidConfigurationPropertyValueException(name, value, String.valueOf(ex.getMessage()));
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
