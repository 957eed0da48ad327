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

package dev.pingora.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.pingora.cache.ByteRanges;
import dev.pingora.cache.CacheKey;
import dev.pingora.cache.CacheMeta;
import dev.pingora.cache.Cacheability;
import dev.pingora.cache.ForcedFreshness;
import dev.pingora.cache.PurgeStatus;
import dev.pingora.error.ProxyError;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.internal.Monos;
import dev.pingora.upstream.HttpPeer;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

/**
 * A {@link ProxyHttp} with {@link ProxyFilter}s around it. See {@link ProxyFilter} for
 * the order in which filters and the proxy run.
 *
 * @param <C> the type of the proxy's per-request context
 * @since 0.1.0
 */
public final class FilteredProxyHttp<C> implements ProxyHttp<C> {

	private static final Logger logger = LoggerFactory.getLogger(FilteredProxyHttp.class);

	private final ProxyHttp<C> proxy;

	private final List<ProxyFilter> filters;

	// For each phase, the filters that override it, in the order they run (outermost
	// first on the request side, innermost first on the response side): a phase no
	// filter overrides costs nothing per request.
	private final ProxyFilter[] earlyRequest;

	private final ProxyFilter[] request;

	private final ProxyFilter[] requestBody;

	private final ProxyFilter[] proxyUpstream;

	private final ProxyFilter[] requestCache;

	private final ProxyFilter[] connected;

	private final ProxyFilter[] failToConnect;

	private final ProxyFilter[] upstreamRequest;

	private final ProxyFilter[] upstreamResponse;

	private final ProxyFilter[] upstreamResponseBody;

	private final ProxyFilter[] upstreamResponseTrailer;

	private final ProxyFilter[] response;

	private final ProxyFilter[] responseBody;

	private final ProxyFilter[] responseTrailer;

	private final ProxyFilter[] errorWhileProxy;

	private final ProxyFilter[] logging;

	private FilteredProxyHttp(ProxyHttp<C> proxy, List<ProxyFilter> filters) {
		this.proxy = proxy;
		this.filters = List.copyOf(filters);
		List<ProxyFilter> reversed = new ArrayList<>(filters);
		Collections.reverse(reversed);
		this.earlyRequest = overriding(filters, "earlyRequestFilter", Session.class);
		this.request = overriding(filters, "requestFilter", Session.class);
		this.requestBody = overriding(filters, "requestBodyFilter", Session.class, BodyChunk.class);
		this.proxyUpstream = overriding(filters, "proxyUpstreamFilter", Session.class);
		this.requestCache = overriding(filters, "requestCacheFilter", Session.class);
		this.connected = overriding(filters, "connectedToUpstream", Session.class, boolean.class, HttpPeer.class);
		this.failToConnect = overriding(reversed, "failToConnect", Session.class, HttpPeer.class, ProxyError.class);
		this.upstreamRequest = overriding(filters, "upstreamRequestFilter", Session.class, RequestHeader.class);
		this.upstreamResponse = overriding(reversed, "upstreamResponseFilter", Session.class, ResponseHeader.class);
		this.upstreamResponseBody = overriding(reversed, "upstreamResponseBodyFilter", Session.class, BodyChunk.class);
		this.upstreamResponseTrailer = overriding(reversed, "upstreamResponseTrailerFilter", Session.class,
				HttpHeaders.class);
		this.response = overriding(reversed, "responseFilter", Session.class, ResponseHeader.class);
		this.responseBody = overriding(reversed, "responseBodyFilter", Session.class, BodyChunk.class);
		this.responseTrailer = overriding(reversed, "responseTrailerFilter", Session.class, HttpHeaders.class);
		this.errorWhileProxy = overriding(reversed, "errorWhileProxy", HttpPeer.class, Session.class, ProxyError.class,
				boolean.class);
		this.logging = overriding(reversed, "logging", Session.class, ProxyError.class);
	}

	private static ProxyFilter[] overriding(List<ProxyFilter> filters, String phase, Class<?>... parameters) {
		List<ProxyFilter> overriding = new ArrayList<>();
		for (ProxyFilter filter : filters) {
			try {
				if (filter.getClass().getMethod(phase, parameters).getDeclaringClass() != ProxyFilter.class) {
					overriding.add(filter);
				}
			}
			catch (NoSuchMethodException ex) {
				throw new IllegalStateException("ProxyFilter has no phase " + phase, ex);
			}
		}
		return overriding.toArray(new ProxyFilter[0]);
	}

	/**
	 * Put filters around a proxy.
	 * @param <C> the type of the proxy's per-request context
	 * @param proxy the proxy
	 * @param filters the filters, outermost first
	 * @return the proxy itself when there are no filters, a filtered proxy otherwise
	 */
	public static <C> ProxyHttp<C> of(ProxyHttp<C> proxy, List<? extends ProxyFilter> filters) {
		Objects.requireNonNull(proxy, "proxy");
		Objects.requireNonNull(filters, "filters");
		if (filters.isEmpty()) {
			return proxy;
		}
		return new FilteredProxyHttp<>(proxy, new ArrayList<>(filters));
	}

	/**
	 * Return the proxy inside the filters.
	 * @return the proxy
	 */
	public ProxyHttp<C> proxy() {
		return this.proxy;
	}

	/**
	 * Return the filters, outermost first.
	 * @return the filters
	 */
	public List<ProxyFilter> filters() {
		return this.filters;
	}

	@Override
	public C newCtx() {
		return this.proxy.newCtx();
	}

	@Override
	public Mono<Void> earlyRequestFilter(Session session, C ctx) {
		return each(this.earlyRequest, 0, (filter) -> filter.earlyRequestFilter(session),
				() -> this.proxy.earlyRequestFilter(session, ctx));
	}

	@Override
	public Mono<Boolean> requestFilter(Session session, C ctx) {
		return until(this.request, 0, (filter) -> filter.requestFilter(session), true,
				() -> this.proxy.requestFilter(session, ctx));
	}

	@Override
	public Duration requestBodyFilter(Session session, BodyChunk chunk, C ctx) {
		Duration delay = Duration.ZERO;
		for (ProxyFilter filter : this.requestBody) {
			delay = delay.plus(filter.requestBodyFilter(session, chunk));
		}
		return delay.plus(this.proxy.requestBodyFilter(session, chunk, ctx));
	}

	@Override
	public Mono<Boolean> proxyUpstreamFilter(Session session, C ctx) {
		return until(this.proxyUpstream, 0, (filter) -> filter.proxyUpstreamFilter(session), false,
				() -> this.proxy.proxyUpstreamFilter(session, ctx));
	}

	@Override
	public void requestCacheFilter(Session session, C ctx) {
		for (ProxyFilter filter : this.requestCache) {
			filter.requestCacheFilter(session);
		}
		this.proxy.requestCacheFilter(session, ctx);
	}

	@Override
	public CacheKey cacheKeyCallback(Session session, C ctx) {
		return this.proxy.cacheKeyCallback(session, ctx);
	}

	@Override
	public boolean isPurge(Session session, C ctx) {
		return this.proxy.isPurge(session, ctx);
	}

	@Override
	public Mono<Void> purgeResponseFilter(Session session, C ctx, PurgeStatus status, ResponseHeader response) {
		return this.proxy.purgeResponseFilter(session, ctx, status, response);
	}

	@Override
	public @Nullable String cacheVaryFilter(CacheMeta meta, C ctx, RequestHeader request) {
		return this.proxy.cacheVaryFilter(meta, ctx, request);
	}

	@Override
	public Mono<ForcedFreshness> cacheHitFilter(Session session, CacheMeta meta, boolean fresh, C ctx) {
		return this.proxy.cacheHitFilter(session, meta, fresh, ctx);
	}

	@Override
	public void cacheMiss(Session session, C ctx) {
		this.proxy.cacheMiss(session, ctx);
	}

	@Override
	public Cacheability responseCacheFilter(Session session, ResponseHeader response, C ctx) {
		return this.proxy.responseCacheFilter(session, response, ctx);
	}

	@Override
	public boolean cacheNotModifiedFilter(Session session, ResponseHeader response, C ctx) {
		return this.proxy.cacheNotModifiedFilter(session, response, ctx);
	}

	@Override
	public ByteRanges.Result rangeHeaderFilter(Session session, ResponseHeader response, long length, C ctx) {
		return this.proxy.rangeHeaderFilter(session, response, length, ctx);
	}

	@Override
	public boolean shouldServeStale(Session session, C ctx, @Nullable ProxyError error) {
		return this.proxy.shouldServeStale(session, ctx, error);
	}

	@Override
	public Mono<HttpPeer> upstreamPeer(Session session, C ctx) {
		return this.proxy.upstreamPeer(session, ctx);
	}

	@Override
	public Mono<Void> connectedToUpstream(Session session, boolean reused, HttpPeer peer, C ctx) {
		return each(this.connected, 0, (filter) -> filter.connectedToUpstream(session, reused, peer),
				() -> this.proxy.connectedToUpstream(session, reused, peer, ctx));
	}

	@Override
	public ProxyError failToConnect(Session session, HttpPeer peer, C ctx, ProxyError error) {
		ProxyError result = this.proxy.failToConnect(session, peer, ctx, error);
		for (ProxyFilter filter : this.failToConnect) {
			result = filter.failToConnect(session, peer, result);
		}
		return result;
	}

	@Override
	public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, C ctx) {
		return each(this.upstreamRequest, 0, (filter) -> filter.upstreamRequestFilter(session, upstreamRequest),
				() -> this.proxy.upstreamRequestFilter(session, upstreamRequest, ctx));
	}

	@Override
	public Mono<Void> upstreamResponseFilter(Session session, ResponseHeader upstreamResponse, C ctx) {
		return Monos.then(this.proxy.upstreamResponseFilter(session, upstreamResponse, ctx),
				() -> each(this.upstreamResponse, 0,
						(filter) -> filter.upstreamResponseFilter(session, upstreamResponse), Mono::empty));
	}

	@Override
	public Duration upstreamResponseBodyFilter(Session session, BodyChunk chunk, C ctx) {
		Duration delay = this.proxy.upstreamResponseBodyFilter(session, chunk, ctx);
		for (ProxyFilter filter : this.upstreamResponseBody) {
			delay = delay.plus(filter.upstreamResponseBodyFilter(session, chunk));
		}
		return delay;
	}

	@Override
	public void upstreamResponseTrailerFilter(Session session, HttpHeaders trailers, C ctx) {
		this.proxy.upstreamResponseTrailerFilter(session, trailers, ctx);
		for (ProxyFilter filter : this.upstreamResponseTrailer) {
			filter.upstreamResponseTrailerFilter(session, trailers);
		}
	}

	@Override
	public Mono<Void> responseFilter(Session session, ResponseHeader response, C ctx) {
		return Monos.then(this.proxy.responseFilter(session, response, ctx),
				() -> each(this.response, 0, (filter) -> filter.responseFilter(session, response), Mono::empty));
	}

	@Override
	public Duration responseBodyFilter(Session session, BodyChunk chunk, C ctx) {
		Duration delay = this.proxy.responseBodyFilter(session, chunk, ctx);
		for (ProxyFilter filter : this.responseBody) {
			delay = delay.plus(filter.responseBodyFilter(session, chunk));
		}
		return delay;
	}

	@Override
	public void responseTrailerFilter(Session session, HttpHeaders trailers, C ctx) {
		this.proxy.responseTrailerFilter(session, trailers, ctx);
		for (ProxyFilter filter : this.responseTrailer) {
			filter.responseTrailerFilter(session, trailers);
		}
	}

	@Override
	public ProxyError errorWhileProxy(HttpPeer peer, Session session, ProxyError error, C ctx, boolean clientReused) {
		ProxyError result = this.proxy.errorWhileProxy(peer, session, error, ctx, clientReused);
		for (ProxyFilter filter : this.errorWhileProxy) {
			result = filter.errorWhileProxy(peer, session, result, clientReused);
		}
		return result;
	}

	@Override
	public Mono<FailToProxy> failToProxy(Session session, ProxyError error, C ctx) {
		return this.proxy.failToProxy(session, error, ctx);
	}

	@Override
	public Mono<Void> logging(Session session, @Nullable ProxyError error, C ctx) {
		// Every logging phase runs, even when one of them fails.
		Mono<Void> proxyLogging = safely(this.proxy, () -> this.proxy.logging(session, error, ctx), session);
		if (this.logging.length == 0) {
			return proxyLogging;
		}
		return Monos.then(proxyLogging, () -> each(this.logging, 0,
				(filter) -> safely(filter, () -> filter.logging(session, error), session), Mono::empty));
	}

	private static Mono<Void> safely(Object phaseOwner, Supplier<Mono<Void>> phase, Session session) {
		Mono<Void> result;
		try {
			result = phase.get();
		}
		catch (RuntimeException ex) {
			return loggingFailed(phaseOwner, session, ex);
		}
		if (result instanceof Fuseable.ScalarCallable) {
			// Mono.empty(), the usual result: nothing can fail later.
			return result;
		}
		return result.onErrorResume((ex) -> loggingFailed(phaseOwner, session, ex));
	}

	@Override
	public String requestSummary(Session session, C ctx) {
		return this.proxy.requestSummary(session, ctx);
	}

	@Override
	public boolean suppressErrorLog(Session session, C ctx, ProxyError error) {
		return this.proxy.suppressErrorLog(session, ctx, error);
	}

	private static Mono<Void> loggingFailed(Object phaseOwner, Session session, Throwable ex) {
		logger.warn("logging phase of {} failed for {}", phaseOwner.getClass().getName(), session.requestSummary(), ex);
		return Mono.empty();
	}

	/**
	 * Run a phase on each filter in turn from {@code index}, then {@code last}.
	 */
	private static Mono<Void> each(ProxyFilter[] filters, int index, Function<ProxyFilter, Mono<Void>> phase,
			Supplier<Mono<Void>> last) {
		if (index == filters.length) {
			return last.get();
		}
		return Monos.then(phase.apply(filters[index]), () -> each(filters, index + 1, phase, last));
	}

	/**
	 * Run a boolean phase on each filter in turn until one returns {@code stopOn}; if
	 * none does, run {@code last}.
	 */
	private static Mono<Boolean> until(ProxyFilter[] filters, int index, Function<ProxyFilter, Mono<Boolean>> phase,
			boolean stopOn, Supplier<Mono<Boolean>> last) {
		if (index == filters.length) {
			return last.get();
		}
		return Monos.then(phase.apply(filters[index]), !stopOn,
				(result) -> (result == stopOn) ? Mono.just(stopOn) : until(filters, index + 1, phase, stopOn, last));
	}

}
