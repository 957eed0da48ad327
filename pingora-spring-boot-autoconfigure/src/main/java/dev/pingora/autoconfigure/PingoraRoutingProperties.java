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

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the routing proxy: routes and the upstreams they send
 * requests to. Used when the application declares no {@code ProxyHttp} bean of its own.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("pingora")
public class PingoraRoutingProperties {

	/**
	 * Routes, tried by host, then by longest path prefix, then in this order.
	 */
	private List<Route> routes = new ArrayList<>();

	/**
	 * Upstreams by name.
	 */
	private Map<String, Upstream> upstreams = new LinkedHashMap<>();

	public List<Route> getRoutes() {
		return this.routes;
	}

	public void setRoutes(List<Route> routes) {
		this.routes = routes;
	}

	public Map<String, Upstream> getUpstreams() {
		return this.upstreams;
	}

	public void setUpstreams(Map<String, Upstream> upstreams) {
		this.upstreams = upstreams;
	}

	/**
	 * Where a class of requests goes.
	 */
	public static class Route {

		/**
		 * Name of the route in logs, metrics and the pingora endpoint. Defaults to
		 * route-INDEX.
		 */
		private @Nullable String id;

		/**
		 * Host the route matches, without port; *.example.com matches any subdomain. Not
		 * set means any host.
		 */
		private @Nullable String host;

		/**
		 * Path prefix the route matches, by whole segments: /api matches /api and /api/x,
		 * not /apis.
		 */
		private String pathPrefix = "/";

		/**
		 * Comma-separated list of methods the route matches. Empty means any method.
		 */
		private List<String> methods = new ArrayList<>();

		/**
		 * Header fields the route requires, by name: the exact value, or an empty value
		 * when presence is enough.
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Name of the upstream, a key of pingora.upstreams.
		 */
		private @Nullable String upstream;

		/**
		 * Whether to remove the path prefix before the request goes upstream.
		 */
		private boolean stripPrefix;

		/**
		 * Whether requests of this route use the HTTP cache; unset follows
		 * {@code pingora.cache.enabled}.
		 */
		private @Nullable Boolean cache;

		/**
		 * Changes to the request header fields sent upstream.
		 */
		private final HeaderRules requestHeaders = new HeaderRules();

		/**
		 * Changes to the response header fields sent to the client.
		 */
		private final HeaderRules responseHeaders = new HeaderRules();

		public @Nullable String getId() {
			return this.id;
		}

		public void setId(@Nullable String id) {
			this.id = id;
		}

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public String getPathPrefix() {
			return this.pathPrefix;
		}

		public void setPathPrefix(String pathPrefix) {
			this.pathPrefix = pathPrefix;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public @Nullable String getUpstream() {
			return this.upstream;
		}

		public void setUpstream(@Nullable String upstream) {
			this.upstream = upstream;
		}

		public boolean isStripPrefix() {
			return this.stripPrefix;
		}

		public void setStripPrefix(boolean stripPrefix) {
			this.stripPrefix = stripPrefix;
		}

		public @Nullable Boolean getCache() {
			return this.cache;
		}

		public void setCache(@Nullable Boolean cache) {
			this.cache = cache;
		}

		public HeaderRules getRequestHeaders() {
			return this.requestHeaders;
		}

		public HeaderRules getResponseHeaders() {
			return this.responseHeaders;
		}

	}

	/**
	 * Header fields to set and to remove.
	 */
	public static class HeaderRules {

		/**
		 * Header fields to set, by name, replacing any value they had.
		 */
		private Map<String, String> add = new LinkedHashMap<>();

		/**
		 * Comma-separated list of header fields to remove.
		 */
		private List<String> remove = new ArrayList<>();

		public Map<String, String> getAdd() {
			return this.add;
		}

		public void setAdd(Map<String, String> add) {
			this.add = add;
		}

		public List<String> getRemove() {
			return this.remove;
		}

		public void setRemove(List<String> remove) {
			this.remove = remove;
		}

	}

	/**
	 * A named group of backends.
	 */
	public static class Upstream {

		/**
		 * Backends of the upstream.
		 */
		private List<Backend> backends = new ArrayList<>();

		/**
		 * How requests are spread over the backends: round-robin, weighted (smooth
		 * weighted round robin), random, hash (FNV of the hash key), consistent (Ketama
		 * consistent hashing of the hash key) or least-request (power of two choices).
		 * Every selection honours the backends' weights.
		 */
		private String selection = "round-robin";

		/**
		 * What hash and consistent selections hash: uri, path, host, client-ip,
		 * header:<name>, cookie:<name> or query:<name>. Requests without it are keyed by
		 * client IP. Defaults to uri for those selections.
		 */
		private @Nullable String hashKey;

		/**
		 * Where the backends come from: static (the backends listed here) or spring-cloud
		 * (a Spring Cloud ReactiveDiscoveryClient, asked for the service-id).
		 */
		private String discovery = "static";

		/**
		 * Service id asked from Spring Cloud discovery. Defaults to the upstream's name.
		 */
		private @Nullable String serviceId;

		/**
		 * Time between two discoveries of the backends (spring-cloud discovery).
		 */
		private Duration discoveryInterval = Duration.ofSeconds(30);

		/**
		 * Active health checking of the backends.
		 */
		private final HealthCheck healthCheck = new HealthCheck();

		/**
		 * Passive health checking: backends failing on real traffic are taken out for a
		 * while.
		 */
		private final PassiveHealthCheck passiveHealthCheck = new PassiveHealthCheck();

		/**
		 * How to connect to and talk with the backends.
		 */
		private final Peer peer = new Peer();

		/**
		 * How many other backends to try when connecting to one fails.
		 */
		private int retries = 2;

		public List<Backend> getBackends() {
			return this.backends;
		}

		public void setBackends(List<Backend> backends) {
			this.backends = backends;
		}

		public String getSelection() {
			return this.selection;
		}

		public void setSelection(String selection) {
			this.selection = selection;
		}

		public @Nullable String getHashKey() {
			return this.hashKey;
		}

		public void setHashKey(@Nullable String hashKey) {
			this.hashKey = hashKey;
		}

		public String getDiscovery() {
			return this.discovery;
		}

		public void setDiscovery(String discovery) {
			this.discovery = discovery;
		}

		public @Nullable String getServiceId() {
			return this.serviceId;
		}

		public void setServiceId(@Nullable String serviceId) {
			this.serviceId = serviceId;
		}

		public Duration getDiscoveryInterval() {
			return this.discoveryInterval;
		}

		public void setDiscoveryInterval(Duration discoveryInterval) {
			this.discoveryInterval = discoveryInterval;
		}

		public HealthCheck getHealthCheck() {
			return this.healthCheck;
		}

		public PassiveHealthCheck getPassiveHealthCheck() {
			return this.passiveHealthCheck;
		}

		public Peer getPeer() {
			return this.peer;
		}

		public int getRetries() {
			return this.retries;
		}

		public void setRetries(int retries) {
			this.retries = retries;
		}

	}

	/**
	 * One backend of an upstream.
	 */
	public static class Backend {

		/**
		 * Address of the backend: host:port or [v6-address]:port.
		 */
		private @Nullable String address;

		/**
		 * Relative share of requests the backend gets.
		 */
		private int weight = 1;

		public @Nullable String getAddress() {
			return this.address;
		}

		public void setAddress(@Nullable String address) {
			this.address = address;
		}

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

	}

	/**
	 * Passive health checking of an upstream's backends.
	 */
	public static class PassiveHealthCheck {

		/**
		 * Failed requests in a row (connect failures, timeouts, connections lost before a
		 * response) that eject a backend; 0 turns passive checks off.
		 */
		private int consecutiveFailures = 5;

		/**
		 * How long an ejected backend stays out of rotation.
		 */
		private Duration coolDown = Duration.ofSeconds(30);

		public int getConsecutiveFailures() {
			return this.consecutiveFailures;
		}

		public void setConsecutiveFailures(int consecutiveFailures) {
			this.consecutiveFailures = consecutiveFailures;
		}

		public Duration getCoolDown() {
			return this.coolDown;
		}

		public void setCoolDown(Duration coolDown) {
			this.coolDown = coolDown;
		}

	}

	/**
	 * Active health-check settings of an upstream.
	 */
	public static class HealthCheck {

		/**
		 * Kind of check: tcp or http. Not set means no health check.
		 */
		private @Nullable String type;

		/**
		 * Path requested by an http check.
		 */
		private String path = "/";

		/**
		 * Host header of an http check. Defaults to the TLS server name, or else the
		 * backend's host:port.
		 */
		private @Nullable String host;

		/**
		 * Statuses an http check accepts, each a code (200) or a class (2xx).
		 */
		private List<String> expectedStatus = new ArrayList<>(List.of("200"));

		/**
		 * Connect timeout of a check (TLS handshake included).
		 */
		private Duration connectTimeout = Duration.ofSeconds(1);

		/**
		 * Read timeout of an http check.
		 */
		private Duration readTimeout = Duration.ofSeconds(1);

		/**
		 * Port to check instead of each backend's own; 0 checks the backend's port.
		 */
		private int port = 0;

		/**
		 * Whether to check all backends at once rather than one after the other.
		 */
		private boolean parallel = true;

		/**
		 * Time between two checks of a backend.
		 */
		private Duration interval = Duration.ofSeconds(5);

		/**
		 * Successful checks in a row that make a backend healthy.
		 */
		private int healthyThreshold = 1;

		/**
		 * Failed checks in a row that make a backend unhealthy.
		 */
		private int unhealthyThreshold = 3;

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public List<String> getExpectedStatus() {
			return this.expectedStatus;
		}

		public void setExpectedStatus(List<String> expectedStatus) {
			this.expectedStatus = expectedStatus;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public boolean isParallel() {
			return this.parallel;
		}

		public void setParallel(boolean parallel) {
			this.parallel = parallel;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getHealthyThreshold() {
			return this.healthyThreshold;
		}

		public void setHealthyThreshold(int healthyThreshold) {
			this.healthyThreshold = healthyThreshold;
		}

		public int getUnhealthyThreshold() {
			return this.unhealthyThreshold;
		}

		public void setUnhealthyThreshold(int unhealthyThreshold) {
			this.unhealthyThreshold = unhealthyThreshold;
		}

	}

	/**
	 * Connection settings for the backends of an upstream.
	 */
	public static class Peer {

		/**
		 * TCP connect timeout. 0 means no timeout.
		 */
		private @Nullable Duration connectTimeout = Duration.ofSeconds(10);

		/**
		 * Budget for TCP and TLS connection establishment together. Not set or 0 means
		 * none.
		 */
		private @Nullable Duration totalConnectTimeout;

		/**
		 * Longest time between two reads of an upstream response; expiry answers 504. 0
		 * means no timeout.
		 */
		private @Nullable Duration readTimeout = Duration.ofSeconds(60);

		/**
		 * Longest time one write to the upstream may take. 0 means no timeout.
		 */
		private @Nullable Duration writeTimeout = Duration.ofSeconds(60);

		/**
		 * How long an idle connection is kept for reuse; 0 disables pooling.
		 */
		private Duration idleTimeout = Duration.ofSeconds(60);

		/**
		 * Whether to connect to the backends with TLS.
		 */
		private boolean tls;

		/**
		 * TLS server name to send. Not set means each backend's host.
		 */
		private @Nullable String sni;

		/**
		 * Whether to verify the backends' certificate chain.
		 */
		private boolean verifyCert = true;

		/**
		 * Whether the backends' certificate must name the SNI.
		 */
		private boolean verifyHostname = true;

		/**
		 * PEM file of CA certificates to trust instead of the JDK's.
		 */
		private @Nullable String caCertificates;

		/**
		 * HTTP version to the backends: h1 (HTTP/1.1, the default), h2 (HTTP/2: by ALPN
		 * with tls, by prior knowledge without; requests are multiplexed as streams;
		 * needed for gRPC), or h2-h1 (HTTP/2 when a TLS backend picks it, else HTTP/1.1).
		 */
		private String protocol = "h1";

		/**
		 * PEM certificate chain shown to backends that ask for a client certificate
		 * (mutual TLS); with client-key.
		 */
		private @Nullable String clientCertificate;

		/**
		 * PEM private key (PKCS#8) of the client certificate.
		 */
		private @Nullable String clientKey;

		public @Nullable Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(@Nullable Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public @Nullable Duration getTotalConnectTimeout() {
			return this.totalConnectTimeout;
		}

		public void setTotalConnectTimeout(@Nullable Duration totalConnectTimeout) {
			this.totalConnectTimeout = totalConnectTimeout;
		}

		public @Nullable Duration getReadTimeout() {
			return this.readTimeout;
		}

		public void setReadTimeout(@Nullable Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

		public @Nullable Duration getWriteTimeout() {
			return this.writeTimeout;
		}

		public void setWriteTimeout(@Nullable Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public boolean isTls() {
			return this.tls;
		}

		public void setTls(boolean tls) {
			this.tls = tls;
		}

		public @Nullable String getSni() {
			return this.sni;
		}

		public void setSni(@Nullable String sni) {
			this.sni = sni;
		}

		public boolean isVerifyCert() {
			return this.verifyCert;
		}

		public void setVerifyCert(boolean verifyCert) {
			this.verifyCert = verifyCert;
		}

		public boolean isVerifyHostname() {
			return this.verifyHostname;
		}

		public void setVerifyHostname(boolean verifyHostname) {
			this.verifyHostname = verifyHostname;
		}

		public @Nullable String getCaCertificates() {
			return this.caCertificates;
		}

		public void setCaCertificates(@Nullable String caCertificates) {
			this.caCertificates = caCertificates;
		}

		public String getProtocol() {
			return this.protocol;
		}

		public void setProtocol(String protocol) {
			this.protocol = protocol;
		}

		public @Nullable String getClientCertificate() {
			return this.clientCertificate;
		}

		public void setClientCertificate(@Nullable String clientCertificate) {
			this.clientCertificate = clientCertificate;
		}

		public @Nullable String getClientKey() {
			return this.clientKey;
		}

		public void setClientKey(@Nullable String clientKey) {
			this.clientKey = clientKey;
		}

	}

}
