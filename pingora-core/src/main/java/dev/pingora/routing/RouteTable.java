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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.pingora.http.RequestHeader;
import org.jspecify.annotations.Nullable;

/**
 * Finds the route of a request without scanning the routes.
 *
 * <p>
 * Implementation notes. Routes are indexed by host, then by path prefix. Hosts: an exact
 * map, a map of wildcard suffixes ({@code *.example.com} is stored under
 * {@code .example.com}) and the routes without a host. A lookup tries the exact host,
 * then each suffix of the host from the longest ({@code .b.example.com},
 * {@code .example.com}, ...), then the host-less routes, and stops at the first group
 * with a match. Within a group, prefixes live in a hash map; the request path is cut back
 * one segment at a time ({@code /a/b/c}, {@code /a/b}, {@code /a}, {@code /}) and each
 * cut is one map lookup, so the longest matching prefix wins and the cost grows with the
 * depth of the path, not with the number of routes. Routes with the same host and prefix
 * are tried in declaration order against their methods and header fields.
 *
 * @since 0.1.0
 */
public final class RouteTable {

	private final List<Route> routes;

	private final Map<String, PrefixIndex> exactHosts = new HashMap<>();

	private final Map<String, PrefixIndex> wildcardHosts = new HashMap<>();

	private final PrefixIndex anyHost = new PrefixIndex();

	private RouteTable(List<Route> routes) {
		this.routes = List.copyOf(routes);
		for (Route route : routes) {
			String host = route.host();
			PrefixIndex index;
			if (host == null) {
				index = this.anyHost;
			}
			else if (host.startsWith("*.")) {
				index = this.wildcardHosts.computeIfAbsent(host.substring(1), (key) -> new PrefixIndex());
			}
			else {
				index = this.exactHosts.computeIfAbsent(host, (key) -> new PrefixIndex());
			}
			index.add(route);
		}
	}

	/**
	 * Index routes.
	 * @param routes the routes, in declaration order
	 * @return the table
	 */
	public static RouteTable of(List<Route> routes) {
		Objects.requireNonNull(routes, "routes");
		return new RouteTable(routes);
	}

	/**
	 * Return the routes in declaration order.
	 * @return the routes
	 */
	public List<Route> routes() {
		return this.routes;
	}

	/**
	 * Find the route of a request.
	 * @param request the request header
	 * @return the route, or {@code null} if none matches
	 */
	public @Nullable Route match(RequestHeader request) {
		String path = request.path();
		String host = hostName(request.host());
		if (host != null) {
			PrefixIndex exact = this.exactHosts.get(host);
			Route route = (exact != null) ? exact.match(path, request) : null;
			if (route != null) {
				return route;
			}
			if (!this.wildcardHosts.isEmpty()) {
				for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
					PrefixIndex wildcard = this.wildcardHosts.get(host.substring(dot));
					route = (wildcard != null) ? wildcard.match(path, request) : null;
					if (route != null) {
						return route;
					}
				}
			}
		}
		return this.anyHost.match(path, request);
	}

	private static @Nullable String hostName(@Nullable String hostHeader) {
		if (hostHeader == null || hostHeader.isEmpty()) {
			return null;
		}
		String host = hostHeader;
		if (host.charAt(0) == '[') {
			int end = host.indexOf(']');
			host = (end > 0) ? host.substring(0, end + 1) : host;
		}
		else {
			int colon = host.lastIndexOf(':');
			if (colon >= 0) {
				host = host.substring(0, colon);
			}
		}
		return host.toLowerCase(Locale.ROOT);
	}

	/**
	 * The routes of one host group, by path prefix.
	 */
	private static final class PrefixIndex {

		private final Map<String, List<Route>> byPrefix = new HashMap<>();

		void add(Route route) {
			this.byPrefix.computeIfAbsent(route.pathPrefix(), (key) -> new ArrayList<>(1)).add(route);
		}

		@Nullable Route match(String path, RequestHeader request) {
			if (this.byPrefix.isEmpty()) {
				return null;
			}
			int end = path.length();
			while (end > 1 && path.charAt(end - 1) == '/') {
				end--;
			}
			while (end > 0) {
				Route route = first(this.byPrefix.get(path.substring(0, end)), request);
				if (route != null) {
					return route;
				}
				int slash = path.lastIndexOf('/', end - 1);
				end = (slash > 0) ? slash : (end > 1 ? 1 : 0);
			}
			return null;
		}

		private static @Nullable Route first(@Nullable List<Route> candidates, RequestHeader request) {
			if (candidates == null) {
				return null;
			}
			for (int i = 0; i < candidates.size(); i++) {
				Route route = candidates.get(i);
				if (route.matchesPredicates(request)) {
					return route;
				}
			}
			return null;
		}

	}

}
