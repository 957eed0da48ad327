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

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.pingora.cache.CacheConfig;
import dev.pingora.error.ErrorSource;
import dev.pingora.error.ProxyError;
import dev.pingora.error.RetryType;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.lb.Backend;
import dev.pingora.lb.BackendState;
import dev.pingora.lb.LoadBalancer;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.upstream.HttpPeer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The {@link ProxyHttp} of a configured gateway: finds each request's {@link Route} in a
 * {@link RouteTable}, sends it to a ready backend of the route's {@link UpstreamGroup}
 * (keyed by the upstream's {@link HashKey} for key-based selections), fails over to other
 * backends when connecting fails, and applies the route's path and header rules. It
 * reports each attempt's outcome to the load balancer, for least-request selection,
 * passive health checks and per-backend metrics. A request no route matches gets 404; a
 * request whose upstream has no ready backend gets 503.
 *
 * <p>
 * It records the route and upstream names in the session attributes {@link #ROUTE} and
 * {@link #UPSTREAM}, where metrics and access logs find them.
 *
 * @since 0.1.0
 */
public final class RoutingProxy implements ProxyHttp<RoutingProxy.Context> {

	/** Session attribute holding the id of the matched route. */
	public static final String ROUTE = "pingora.route";

	/** Session attribute holding the name of the route's upstream. */
	public static final String UPSTREAM = "pingora.upstream";

	private static final String PURGE = "PURGE";

	private final RouteTable routes;

	private final Map<String, UpstreamGroup> upstreams;

	private final @Nullable Caching caching;

	/**
	 * Create a routing proxy.
	 * @param routes the routes
	 * @param upstreams the upstreams by name; every route's upstream must be there
	 */
	public RoutingProxy(RouteTable routes, Map<String, UpstreamGroup> upstreams) {
		this(routes, upstreams, null);
	}

	/**
	 * Create a routing proxy whose routes may use a cache.
	 * @param routes the routes
	 * @param upstreams the upstreams by name; every route's upstream must be there
	 * @param caching the cache and where it applies, or {@code null} for none
	 */
	public RoutingProxy(RouteTable routes, Map<String, UpstreamGroup> upstreams, @Nullable Caching caching) {
		this.caching = caching;
		this.routes = Objects.requireNonNull(routes, "routes");
		this.upstreams = Map.copyOf(upstreams);
		for (Route route : routes.routes()) {
			if (!this.upstreams.containsKey(route.upstream())) {
				throw new IllegalArgumentException("route " + route.id() + ": upstream '" + route.upstream()
						+ "' is not defined (expected one of " + this.upstreams.keySet() + ")");
			}
		}
	}

	/**
	 * Return the route table.
	 * @return the routes
	 */
	public RouteTable routes() {
		return this.routes;
	}

	/**
	 * Return the upstreams by name.
	 * @return the upstreams
	 */
	public Map<String, UpstreamGroup> upstreams() {
		return this.upstreams;
	}

	@Override
	public Context newCtx() {
		return new Context();
	}

	@Override
	public Mono<Boolean> requestFilter(Session session, Context ctx) {
		if (isForbiddenPurge(session)) {
			ResponseHeader forbidden = ResponseHeader.of(403)
				.setHeader(HttpHeaderNames.CONTENT_LENGTH, "0")
				.setHeader(HttpHeaderNames.CACHE_CONTROL, "private, no-store");
			return session.respond(forbidden).thenReturn(true);
		}
		Route route = this.routes.match(session.requestHeader());
		if (route == null) {
			ResponseHeader notFound = ResponseHeader.of(404)
				.setHeader(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
				.setHeader(HttpHeaderNames.CACHE_CONTROL, "private, no-store");
			return session.respond(notFound, Unpooled.copiedBuffer("no route\n", StandardCharsets.UTF_8))
				.thenReturn(true);
		}
		ctx.route = route;
		ctx.upstream = this.upstreams.get(route.upstream());
		session.setAttribute(ROUTE, route.id());
		session.setAttribute(UPSTREAM, route.upstream());
		return Mono.just(false);
	}

	/**
	 * Caching is on for a request whose route says so, or, when the route says nothing,
	 * if the cache applies to every route.
	 */
	@Override
	public void requestCacheFilter(Session session, Context ctx) {
		Caching cache = this.caching;
		Route route = ctx.route;
		if (cache == null || route == null) {
			return;
		}
		Boolean enabled = route.cache();
		if ((enabled != null) ? enabled : cache.allRoutes()) {
			session.cache().enable(cache.config());
		}
	}

	/**
	 * A {@code PURGE} is a purge when purging is allowed and comes from an allowed client
	 * address.
	 */
	@Override
	public boolean isPurge(Session session, Context ctx) {
		return isPurgeRequest(session) && isAllowedToPurge(session);
	}

	/**
	 * With purging on, a {@code PURGE} from a client that may not purge is answered 403:
	 * passed on, it would still invalidate the stored response (an unsafe method).
	 */
	private boolean isForbiddenPurge(Session session) {
		return isPurgeRequest(session) && !isAllowedToPurge(session);
	}

	/**
	 * A {@code PURGE} while purging is on.
	 */
	private boolean isPurgeRequest(Session session) {
		Caching cache = this.caching;
		return cache != null && cache.purge() && PURGE.equals(session.requestHeader().method().name());
	}

	private boolean isAllowedToPurge(Session session) {
		Caching cache = this.caching;
		return cache != null && session.clientAddress() instanceof InetSocketAddress client
				&& client.getAddress() != null && cache.purgeFrom().contains(client.getAddress());
	}

	@Override
	public Mono<HttpPeer> upstreamPeer(Session session, Context ctx) {
		UpstreamGroup upstream = ctx.upstream();
		LoadBalancer balancer = upstream.loadBalancer();
		endRetriedAttempt(ctx);
		HashKey hashKey = upstream.hashKey();
		if (ctx.key == null && hashKey != null) {
			ctx.key = hashKey.key(session);
		}
		List<Backend> failed = ctx.failed;
		Backend backend = (failed.isEmpty()) ? balancer.select(ctx.key) : balancer.selectWith(ctx.key,
				LoadBalancer.DEFAULT_MAX_ITERATIONS, (candidate, ready) -> ready && !failed.contains(candidate));
		if (backend == null && !failed.isEmpty()) {
			// Every ready backend failed once already: give one of them another try.
			backend = balancer.select(ctx.key);
		}
		if (backend == null) {
			return Mono.error(ProxyError.status(503,
					"upstream " + upstream.name() + ": no ready backend (of " + balancer.backends().size() + ")"));
		}
		ctx.backend = backend;
		ctx.backendState = balancer.started(backend);
		return Mono.just(upstream.peer(backend));
	}

	@Override
	public ProxyError failToConnect(Session session, HttpPeer peer, Context ctx, ProxyError error) {
		Backend backend = ctx.backend;
		if (backend != null) {
			ctx.failed.add(backend);
		}
		endAttempt(ctx, true);
		// Nothing reached the backend: another one may take the request, whatever its
		// method.
		if (session.attempts() <= ctx.upstream().retries()) {
			error.setRetry(true);
		}
		return error;
	}

	@Override
	public ProxyError errorWhileProxy(HttpPeer peer, Session session, ProxyError error, Context ctx,
			boolean clientReused) {
		// A pooled connection the backend closed while idle says nothing about its
		// health.
		boolean stalePooled = error.retry() == RetryType.REUSED_ONLY && clientReused;
		ctx.attemptFault = !stalePooled && isBackendFault(error);
		return ProxyHttp.super.errorWhileProxy(peer, session, error, ctx, clientReused);
	}

	@Override
	public Mono<Void> logging(Session session, @Nullable ProxyError error, Context ctx) {
		endAttempt(ctx, error != null && isBackendFault(error));
		return Mono.empty();
	}

	/**
	 * End an attempt that failed after connecting and is being retried: a failure of the
	 * backend if {@link #errorWhileProxy} said so (the backend is then not tried again
	 * for this request), neither success nor failure otherwise.
	 */
	private static void endRetriedAttempt(Context ctx) {
		BackendState state = ctx.backendState;
		if (state == null) {
			return;
		}
		ctx.backendState = null;
		if (ctx.attemptFault) {
			ctx.upstream().loadBalancer().finished(state, true);
			ctx.failed.add(state.backend());
		}
		else {
			ctx.upstream().loadBalancer().abandoned(state);
		}
		ctx.attemptFault = false;
	}

	private static void endAttempt(Context ctx, boolean failed) {
		BackendState state = ctx.backendState;
		if (state != null) {
			ctx.backendState = null;
			ctx.upstream().loadBalancer().finished(state, failed);
		}
	}

	/**
	 * Whether an error says the backend is unwell: it could not be reached, timed out, or
	 * dropped the connection. Errors of the client, of filters and of statuses chosen by
	 * the application do not count.
	 */
	static boolean isBackendFault(ProxyError error) {
		if (error.source() != ErrorSource.UPSTREAM) {
			return false;
		}
		return switch (error.type()) {
			case CONNECT_TIMEDOUT, CONNECT_REFUSED, CONNECT_NO_ROUTE, CONNECT_ERROR, TLS_HANDSHAKE_FAILURE,
					INVALID_CERT, READ_ERROR, READ_TIMEDOUT, WRITE_ERROR, WRITE_TIMEDOUT, CONNECTION_CLOSED, H1_ERROR,
					INVALID_HTTP_HEADER ->
				true;
			default -> false;
		};
	}

	@Override
	public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, Context ctx) {
		Route route = ctx.route();
		if (route.stripPrefix()) {
			upstreamRequest.setUri(route.upstreamUri(upstreamRequest.uri()));
		}
		for (String name : route.removeRequestHeaders()) {
			upstreamRequest.removeHeader(name);
		}
		route.addRequestHeaders().forEach(upstreamRequest::setHeader);
		return Mono.empty();
	}

	@Override
	public Mono<Void> responseFilter(Session session, ResponseHeader response, Context ctx) {
		Route route = ctx.route;
		if (route != null) {
			for (String name : route.removeResponseHeaders()) {
				response.removeHeader(name);
			}
			route.addResponseHeaders().forEach(response::setHeader);
		}
		return Mono.empty();
	}

	/**
	 * The per-request state of the routing proxy.
	 */
	/**
	 * The cache of a routing proxy and where it applies.
	 *
	 * @param config the cache
	 * @param allRoutes whether routes that say nothing use the cache
	 * @param purge whether {@code PURGE} requests remove stored responses
	 * @param purgeFrom the client addresses allowed to purge
	 */
	public record Caching(CacheConfig config, boolean allRoutes, boolean purge, Set<InetAddress> purgeFrom) {

		/**
		 * Check the fields.
		 * @param config the cache
		 * @param allRoutes whether routes that say nothing use the cache
		 * @param purge whether purging is allowed
		 * @param purgeFrom the client addresses allowed to purge
		 */
		public Caching {
			Objects.requireNonNull(config, "config");
			purgeFrom = Set.copyOf(purgeFrom);
		}

	}

	public static final class Context {

		private @Nullable Route route;

		private @Nullable UpstreamGroup upstream;

		private @Nullable Backend backend;

		private final List<Backend> failed = new ArrayList<>(1);

		private byte @Nullable [] key;

		private @Nullable BackendState backendState;

		private boolean attemptFault;

		/**
		 * Return the matched route.
		 * @return the route
		 */
		public Route route() {
			return Objects.requireNonNull(this.route, "route");
		}

		/**
		 * Return the route's upstream.
		 * @return the upstream
		 */
		public UpstreamGroup upstream() {
			return Objects.requireNonNull(this.upstream, "upstream");
		}

		/**
		 * Return the backend of the latest attempt.
		 * @return the backend, or {@code null} before the first attempt
		 */
		public @Nullable Backend backend() {
			return this.backend;
		}

	}

}
