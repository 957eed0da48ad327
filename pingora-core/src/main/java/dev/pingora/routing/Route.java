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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.pingora.http.RequestHeader;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;

/**
 * Where a class of requests goes: a match (host, path prefix, methods, header fields) and
 * what to do with a matching request (the upstream, prefix stripping, header edits).
 * Immutable; build one with {@link #builder(String, String)}.
 *
 * <p>
 * Matching: the host, if given, is compared without its port and case-insensitively, and
 * {@code *.example.com} matches any name that ends in {@code .example.com}. The path
 * prefix matches whole segments: {@code /api} matches {@code /api}, {@code /api/} and
 * {@code /api/users}, not {@code /apis}. Methods and header fields, if given, must all
 * match; a header given without a value must merely be present.
 *
 * @since 0.1.0
 */
public final class Route {

	private final String id;

	private final @Nullable String host;

	private final String pathPrefix;

	private final Set<HttpMethod> methods;

	private final Map<String, @Nullable String> headers;

	private final String upstream;

	private final boolean stripPrefix;

	private final Map<String, String> addRequestHeaders;

	private final List<String> removeRequestHeaders;

	private final Map<String, String> addResponseHeaders;

	private final List<String> removeResponseHeaders;

	private final @Nullable Boolean cache;

	private Route(Builder builder) {
		this.id = builder.id;
		this.host = builder.host;
		this.pathPrefix = builder.pathPrefix;
		this.methods = Set.copyOf(builder.methods);
		this.headers = new LinkedHashMap<>(builder.headers);
		this.upstream = builder.upstream;
		this.stripPrefix = builder.stripPrefix;
		this.addRequestHeaders = Map.copyOf(builder.addRequestHeaders);
		this.removeRequestHeaders = List.copyOf(builder.removeRequestHeaders);
		this.addResponseHeaders = Map.copyOf(builder.addResponseHeaders);
		this.removeResponseHeaders = List.copyOf(builder.removeResponseHeaders);
		this.cache = builder.cache;
	}

	/**
	 * Whether the route's requests use the cache.
	 * @return {@code true} or {@code false}, or {@code null} to follow the proxy's
	 * default
	 */
	public @Nullable Boolean cache() {
		return this.cache;
	}

	/**
	 * Start building a route.
	 * @param id the route's name, used in logs and metrics
	 * @param upstream the name of the upstream it sends requests to
	 * @return a builder
	 */
	public static Builder builder(String id, String upstream) {
		return new Builder(id, upstream);
	}

	/**
	 * Return the route's name.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the host the route matches.
	 * @return the host in lower case, possibly {@code *.suffix}, or {@code null} for any
	 * host
	 */
	public @Nullable String host() {
		return this.host;
	}

	/**
	 * Return the path prefix the route matches.
	 * @return the prefix, without a trailing slash unless it is {@code /}
	 */
	public String pathPrefix() {
		return this.pathPrefix;
	}

	/**
	 * Return the methods the route matches.
	 * @return the methods, empty for any
	 */
	public Set<HttpMethod> methods() {
		return this.methods;
	}

	/**
	 * Return the header fields the route requires.
	 * @return field name to required value, or to {@code null} when presence is enough
	 */
	public Map<String, @Nullable String> headers() {
		return this.headers;
	}

	/**
	 * Return the name of the upstream.
	 * @return the upstream name
	 */
	public String upstream() {
		return this.upstream;
	}

	/**
	 * Whether the path prefix is removed before the request goes upstream.
	 * @return {@code true} to strip it
	 */
	public boolean stripPrefix() {
		return this.stripPrefix;
	}

	/**
	 * Return the request header fields set before the request goes upstream.
	 * @return field name to value
	 */
	public Map<String, String> addRequestHeaders() {
		return this.addRequestHeaders;
	}

	/**
	 * Return the request header fields removed before the request goes upstream.
	 * @return field names
	 */
	public List<String> removeRequestHeaders() {
		return this.removeRequestHeaders;
	}

	/**
	 * Return the response header fields set before the response goes to the client.
	 * @return field name to value
	 */
	public Map<String, String> addResponseHeaders() {
		return this.addResponseHeaders;
	}

	/**
	 * Return the response header fields removed before the response goes to the client.
	 * @return field names
	 */
	public List<String> removeResponseHeaders() {
		return this.removeResponseHeaders;
	}

	/**
	 * Whether the request matches the route's methods and header fields (the host and
	 * path are matched by the {@link RouteTable}).
	 * @param request the request
	 * @return {@code true} if it matches
	 */
	boolean matchesPredicates(RequestHeader request) {
		if (!this.methods.isEmpty() && !this.methods.contains(request.method())) {
			return false;
		}
		for (Map.Entry<String, @Nullable String> required : this.headers.entrySet()) {
			String value = request.header(required.getKey());
			if (value == null || (required.getValue() != null && !required.getValue().equals(value))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return the request target to send upstream.
	 * @param uri the downstream request target
	 * @return the target, with the prefix stripped if the route says so
	 */
	String upstreamUri(String uri) {
		if (!this.stripPrefix || "/".equals(this.pathPrefix) || !uri.startsWith(this.pathPrefix)) {
			return uri;
		}
		String rest = uri.substring(this.pathPrefix.length());
		if (rest.isEmpty()) {
			return "/";
		}
		return (rest.charAt(0) == '?') ? "/" + rest : rest;
	}

	@Override
	public String toString() {
		return "Route{id=" + this.id + ", host=" + this.host + ", pathPrefix=" + this.pathPrefix + ", upstream="
				+ this.upstream + "}";
	}

	/**
	 * Builds a {@link Route}.
	 */
	public static final class Builder {

		private final String id;

		private final String upstream;

		private @Nullable String host;

		private String pathPrefix = "/";

		private Set<HttpMethod> methods = Set.of();

		private final Map<String, @Nullable String> headers = new LinkedHashMap<>();

		private boolean stripPrefix;

		private final Map<String, String> addRequestHeaders = new LinkedHashMap<>();

		private List<String> removeRequestHeaders = List.of();

		private final Map<String, String> addResponseHeaders = new LinkedHashMap<>();

		private List<String> removeResponseHeaders = List.of();

		private @Nullable Boolean cache;

		private Builder(String id, String upstream) {
			this.id = Objects.requireNonNull(id, "id");
			this.upstream = Objects.requireNonNull(upstream, "upstream");
		}

		/**
		 * Match a host.
		 * @param host a host name, {@code *.suffix}, or {@code null} for any host
		 * @return this builder
		 */
		public Builder host(@Nullable String host) {
			if (host != null && (host.isBlank() || host.indexOf('*', 1) >= 0
					|| (host.startsWith("*") && !host.startsWith("*.")))) {
				throw new IllegalArgumentException(
						"host: '" + host + "' (expected: a host name, or *.suffix for any subdomain)");
			}
			this.host = (host != null) ? host.toLowerCase(Locale.ROOT) : null;
			return this;
		}

		/**
		 * Match a path prefix.
		 * @param pathPrefix a prefix starting with {@code /}
		 * @return this builder
		 */
		public Builder pathPrefix(String pathPrefix) {
			Objects.requireNonNull(pathPrefix, "pathPrefix");
			if (!pathPrefix.startsWith("/")) {
				throw new IllegalArgumentException(
						"pathPrefix: '" + pathPrefix + "' (expected: a path starting with /)");
			}
			String normalized = pathPrefix;
			while (normalized.length() > 1 && normalized.endsWith("/")) {
				normalized = normalized.substring(0, normalized.length() - 1);
			}
			this.pathPrefix = normalized;
			return this;
		}

		/**
		 * Match only these methods.
		 * @param methods the methods, none for any
		 * @return this builder
		 */
		public Builder methods(Set<HttpMethod> methods) {
			this.methods = Set.copyOf(methods);
			return this;
		}

		/**
		 * Require a header field.
		 * @param name the field name
		 * @param value the exact value required, or {@code null} for presence only
		 * @return this builder
		 */
		public Builder header(String name, @Nullable String value) {
			this.headers.put(Objects.requireNonNull(name, "name"), value);
			return this;
		}

		/**
		 * Strip the path prefix before the request goes upstream.
		 * @param stripPrefix {@code true} to strip it
		 * @return this builder
		 */
		public Builder stripPrefix(boolean stripPrefix) {
			this.stripPrefix = stripPrefix;
			return this;
		}

		/**
		 * Set request header fields before the request goes upstream.
		 * @param headers field name to value
		 * @return this builder
		 */
		public Builder addRequestHeaders(Map<String, String> headers) {
			this.addRequestHeaders.putAll(headers);
			return this;
		}

		/**
		 * Remove request header fields before the request goes upstream.
		 * @param names the field names
		 * @return this builder
		 */
		public Builder removeRequestHeaders(List<String> names) {
			this.removeRequestHeaders = List.copyOf(names);
			return this;
		}

		/**
		 * Set response header fields before the response goes to the client.
		 * @param headers field name to value
		 * @return this builder
		 */
		public Builder addResponseHeaders(Map<String, String> headers) {
			this.addResponseHeaders.putAll(headers);
			return this;
		}

		/**
		 * Remove response header fields before the response goes to the client.
		 * @param names the field names
		 * @return this builder
		 */
		public Builder removeResponseHeaders(List<String> names) {
			this.removeResponseHeaders = List.copyOf(names);
			return this;
		}

		/**
		 * Turn the cache on or off for the route's requests.
		 * @param cache {@code true} or {@code false}, or {@code null} to follow the
		 * proxy's default
		 * @return this builder
		 */
		public Builder cache(@Nullable Boolean cache) {
			this.cache = cache;
			return this;
		}

		/**
		 * Build the route.
		 * @return the route
		 */
		public Route build() {
			return new Route(this);
		}

	}

}
