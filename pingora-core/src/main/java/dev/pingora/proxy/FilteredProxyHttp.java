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

import dev.pingora.error.ProxyError;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.upstream.HttpPeer;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
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

	private final List<ProxyFilter> reversed;

	private FilteredProxyHttp(ProxyHttp<C> proxy, List<ProxyFilter> filters) {
		this.proxy = proxy;
		this.filters = List.copyOf(filters);
		List<ProxyFilter> reversed = new ArrayList<>(filters);
		Collections.reverse(reversed);
		this.reversed = List.copyOf(reversed);
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
		return each(this.filters, (filter) -> filter.earlyRequestFilter(session))
			.then(Mono.defer(() -> this.proxy.earlyRequestFilter(session, ctx)));
	}

	@Override
	public Mono<Boolean> requestFilter(Session session, C ctx) {
		return until(this.filters, (filter) -> filter.requestFilter(session), true)
			.flatMap((done) -> done ? Mono.just(true) : this.proxy.requestFilter(session, ctx));
	}

	@Override
	public Duration requestBodyFilter(Session session, BodyChunk chunk, C ctx) {
		Duration delay = Duration.ZERO;
		for (ProxyFilter filter : this.filters) {
			delay = delay.plus(filter.requestBodyFilter(session, chunk));
		}
		return delay.plus(this.proxy.requestBodyFilter(session, chunk, ctx));
	}

	@Override
	public Mono<Boolean> proxyUpstreamFilter(Session session, C ctx) {
		return until(this.filters, (filter) -> filter.proxyUpstreamFilter(session), false)
			.flatMap((declined) -> declined ? Mono.just(false) : this.proxy.proxyUpstreamFilter(session, ctx));
	}

	@Override
	public Mono<HttpPeer> upstreamPeer(Session session, C ctx) {
		return this.proxy.upstreamPeer(session, ctx);
	}

	@Override
	public Mono<Void> connectedToUpstream(Session session, boolean reused, HttpPeer peer, C ctx) {
		return each(this.filters, (filter) -> filter.connectedToUpstream(session, reused, peer))
			.then(Mono.defer(() -> this.proxy.connectedToUpstream(session, reused, peer, ctx)));
	}

	@Override
	public ProxyError failToConnect(Session session, HttpPeer peer, C ctx, ProxyError error) {
		ProxyError result = this.proxy.failToConnect(session, peer, ctx, error);
		for (ProxyFilter filter : this.reversed) {
			result = filter.failToConnect(session, peer, result);
		}
		return result;
	}

	@Override
	public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, C ctx) {
		return each(this.filters, (filter) -> filter.upstreamRequestFilter(session, upstreamRequest))
			.then(Mono.defer(() -> this.proxy.upstreamRequestFilter(session, upstreamRequest, ctx)));
	}

	@Override
	public Mono<Void> upstreamResponseFilter(Session session, ResponseHeader upstreamResponse, C ctx) {
		return this.proxy.upstreamResponseFilter(session, upstreamResponse, ctx)
			.then(each(this.reversed, (filter) -> filter.upstreamResponseFilter(session, upstreamResponse)));
	}

	@Override
	public Duration upstreamResponseBodyFilter(Session session, BodyChunk chunk, C ctx) {
		Duration delay = this.proxy.upstreamResponseBodyFilter(session, chunk, ctx);
		for (ProxyFilter filter : this.reversed) {
			delay = delay.plus(filter.upstreamResponseBodyFilter(session, chunk));
		}
		return delay;
	}

	@Override
	public void upstreamResponseTrailerFilter(Session session, HttpHeaders trailers, C ctx) {
		this.proxy.upstreamResponseTrailerFilter(session, trailers, ctx);
		for (ProxyFilter filter : this.reversed) {
			filter.upstreamResponseTrailerFilter(session, trailers);
		}
	}

	@Override
	public Mono<Void> responseFilter(Session session, ResponseHeader response, C ctx) {
		return this.proxy.responseFilter(session, response, ctx)
			.then(each(this.reversed, (filter) -> filter.responseFilter(session, response)));
	}

	@Override
	public Duration responseBodyFilter(Session session, BodyChunk chunk, C ctx) {
		Duration delay = this.proxy.responseBodyFilter(session, chunk, ctx);
		for (ProxyFilter filter : this.reversed) {
			delay = delay.plus(filter.responseBodyFilter(session, chunk));
		}
		return delay;
	}

	@Override
	public void responseTrailerFilter(Session session, HttpHeaders trailers, C ctx) {
		this.proxy.responseTrailerFilter(session, trailers, ctx);
		for (ProxyFilter filter : this.reversed) {
			filter.responseTrailerFilter(session, trailers);
		}
	}

	@Override
	public ProxyError errorWhileProxy(HttpPeer peer, Session session, ProxyError error, C ctx, boolean clientReused) {
		ProxyError result = this.proxy.errorWhileProxy(peer, session, error, ctx, clientReused);
		for (ProxyFilter filter : this.reversed) {
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
		return Mono.defer(() -> this.proxy.logging(session, error, ctx))
			.onErrorResume((ex) -> loggingFailed(this.proxy, session, ex))
			.then(each(this.reversed, (filter) -> Mono.defer(() -> filter.logging(session, error))
				.onErrorResume((ex) -> loggingFailed(filter, session, ex))));
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

	private static Mono<Void> each(List<ProxyFilter> filters, Function<ProxyFilter, Mono<Void>> phase) {
		return Flux.fromIterable(filters).concatMap(phase).then();
	}

	/**
	 * Run a boolean phase on each filter in turn until one returns {@code stopOn}.
	 * @return whether a filter returned {@code stopOn}
	 */
	private static Mono<Boolean> until(List<ProxyFilter> filters, Function<ProxyFilter, Mono<Boolean>> phase,
			boolean stopOn) {
		return Flux.fromIterable(filters)
			.concatMap((filter) -> phase.apply(filter).defaultIfEmpty(!stopOn))
			.any((result) -> result == stopOn);
	}

}
