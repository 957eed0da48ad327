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

import dev.pingora.error.ProxyError;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.upstream.HttpPeer;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A cross-cutting piece of proxy logic (authentication, rate limiting, header rules,
 * metrics) that runs around a {@link ProxyHttp}: the same phases, all defaulted, and no
 * {@code upstreamPeer}. Filters are composed with {@link FilteredProxyHttp}; in a Spring
 * application every {@code ProxyFilter} bean is, in {@code @Order}.
 *
 * <p>
 * Request-side phases ({@code earlyRequestFilter} to {@code upstreamRequestFilter}) run
 * filters first, in order, then the proxy; a filter that answers the request in
 * {@code requestFilter} (returns {@code true}) or declines in {@code proxyUpstreamFilter}
 * stops the phase for the rest. Response-side phases, {@code failToConnect},
 * {@code errorWhileProxy} and {@code logging} run the proxy first, then the filters in
 * reverse order, so the first filter is the outermost, as with servlet filters.
 *
 * <p>
 * A filter has no context type of its own: keep per-request state in
 * {@link Session#setAttribute(String, Object) session attributes}. Each phase's contract
 * (when it runs, what its result means) is that of the {@link ProxyHttp} phase of the
 * same name.
 *
 * @since 0.1.0
 */
public interface ProxyFilter {

	/**
	 * See {@link ProxyHttp#earlyRequestFilter}. By default this does nothing.
	 * @param session the request
	 * @return completes when done
	 */
	default Mono<Void> earlyRequestFilter(Session session) {
		return Mono.empty();
	}

	/**
	 * See {@link ProxyHttp#requestFilter}. By default this completes with {@code false}.
	 * @param session the request
	 * @return {@code true} if this filter wrote a response and the request is done
	 */
	default Mono<Boolean> requestFilter(Session session) {
		return Mono.just(false);
	}

	/**
	 * See {@link ProxyHttp#requestBodyFilter}. By default this forwards the chunk.
	 * @param session the request
	 * @param chunk the chunk
	 * @return how long to wait before reading on, or {@link Duration#ZERO}
	 */
	default Duration requestBodyFilter(Session session, BodyChunk chunk) {
		return Duration.ZERO;
	}

	/**
	 * See {@link ProxyHttp#proxyUpstreamFilter}. By default this completes with
	 * {@code true}.
	 * @param session the request
	 * @return {@code false} to stop the request before it goes upstream
	 */
	default Mono<Boolean> proxyUpstreamFilter(Session session) {
		return Mono.just(true);
	}

	/**
	 * See {@link ProxyHttp#requestCacheFilter}: a filter may enable caching with
	 * {@code session.cache().enable(config)}. Filters run before the proxy. By default
	 * this does nothing.
	 * @param session the request
	 */
	default void requestCacheFilter(Session session) {
	}

	/**
	 * See {@link ProxyHttp#connectedToUpstream}. By default this does nothing.
	 * @param session the request
	 * @param reused whether the connection came from the pool
	 * @param peer the peer
	 * @return completes when done
	 */
	default Mono<Void> connectedToUpstream(Session session, boolean reused, HttpPeer peer) {
		return Mono.empty();
	}

	/**
	 * See {@link ProxyHttp#failToConnect}. By default this returns the error unchanged.
	 * @param session the request
	 * @param peer the peer that could not be reached
	 * @param error the error
	 * @return the error to continue with
	 */
	default ProxyError failToConnect(Session session, HttpPeer peer, ProxyError error) {
		return error;
	}

	/**
	 * See {@link ProxyHttp#upstreamRequestFilter}. By default this does nothing.
	 * @param session the request
	 * @param upstreamRequest the header about to be sent
	 * @return completes when done
	 */
	default Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest) {
		return Mono.empty();
	}

	/**
	 * See {@link ProxyHttp#upstreamResponseFilter}. By default this does nothing.
	 * @param session the request
	 * @param upstreamResponse the response header
	 * @return completes when done
	 */
	default Mono<Void> upstreamResponseFilter(Session session, ResponseHeader upstreamResponse) {
		return Mono.empty();
	}

	/**
	 * See {@link ProxyHttp#upstreamResponseBodyFilter}. By default this forwards the
	 * chunk.
	 * @param session the request
	 * @param chunk the chunk
	 * @return how long to wait before the chunk is sent on, or {@link Duration#ZERO}
	 */
	default Duration upstreamResponseBodyFilter(Session session, BodyChunk chunk) {
		return Duration.ZERO;
	}

	/**
	 * See {@link ProxyHttp#upstreamResponseTrailerFilter}. By default this does nothing.
	 * @param session the request
	 * @param trailers the trailer fields
	 */
	default void upstreamResponseTrailerFilter(Session session, HttpHeaders trailers) {
	}

	/**
	 * See {@link ProxyHttp#responseFilter}. By default this does nothing.
	 * @param session the request
	 * @param response the response header about to be written
	 * @return completes when done
	 */
	default Mono<Void> responseFilter(Session session, ResponseHeader response) {
		return Mono.empty();
	}

	/**
	 * See {@link ProxyHttp#responseBodyFilter}. By default this forwards the chunk.
	 * @param session the request
	 * @param chunk the chunk
	 * @return how long to wait before the chunk is written, or {@link Duration#ZERO}
	 */
	default Duration responseBodyFilter(Session session, BodyChunk chunk) {
		return Duration.ZERO;
	}

	/**
	 * See {@link ProxyHttp#responseTrailerFilter}. By default this does nothing.
	 * @param session the request
	 * @param trailers the trailer fields
	 */
	default void responseTrailerFilter(Session session, HttpHeaders trailers) {
	}

	/**
	 * See {@link ProxyHttp#errorWhileProxy}. By default this returns the error unchanged.
	 * @param peer the peer of the failed attempt
	 * @param session the request
	 * @param error the error
	 * @param clientReused whether the failed attempt used a pooled connection
	 * @return the error to continue with
	 */
	default ProxyError errorWhileProxy(HttpPeer peer, Session session, ProxyError error, boolean clientReused) {
		return error;
	}

	/**
	 * See {@link ProxyHttp#logging}. By default this does nothing.
	 * @param session the request
	 * @param error the final error, or {@code null}
	 * @return completes when done
	 */
	default Mono<Void> logging(Session session, @Nullable ProxyError error) {
		return Mono.empty();
	}

}
