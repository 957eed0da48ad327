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

import dev.pingora.cache.ByteRanges;
import dev.pingora.cache.CacheKey;
import dev.pingora.cache.CacheMeta;
import dev.pingora.cache.Cacheability;
import dev.pingora.cache.Conditionals;
import dev.pingora.cache.ForcedFreshness;
import dev.pingora.cache.PurgeStatus;
import dev.pingora.cache.Variance;
import dev.pingora.error.ErrorSource;
import dev.pingora.error.ProxyError;
import dev.pingora.error.RetryType;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.upstream.HttpPeer;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The programmable reverse proxy: implement {@link #newCtx()} and
 * {@link #upstreamPeer(Session, Object)}, override any other phase to change what the
 * proxy does at that point of the request.
 *
 * <p>
 * Phases are declared in the order they run (see {@code docs/user-guide/phases.md} for
 * the chart):
 *
 * <pre>
 * earlyRequestFilter → requestFilter ─(true: response already sent)→ logging
 *   → [cache phases]
 *   → proxyUpstreamFilter → upstreamPeer → connect ─fail→ failToConnect ─retry?→ upstreamPeer
 *   → connectedToUpstream → upstreamRequestFilter → requestBodyFilter (per chunk) → send
 *   → upstreamResponseFilter → responseFilter
 *   → upstreamResponseBodyFilter → responseBodyFilter (per chunk) → trailer filters → logging
 * any error → errorWhileProxy ─retry?→ upstreamPeer ; no retry → failToProxy → logging
 * </pre>
 *
 * <p>
 * Header phases return a {@link Mono} and may do asynchronous work; a phase that is not
 * overridden costs (close to) nothing, and a phase that returns an already-known value
 * ({@code Mono.empty()}, {@code Mono.just(x)}) is read without a subscription. Body
 * phases are synchronous and run once per chunk. Phases of one request never run
 * concurrently with each other, except the request body phase, which runs while the
 * response phases may already be running (full duplex). To stop a request from a phase,
 * return {@code Mono.error(e)} or throw a {@link ProxyError}, for example
 * {@code ProxyError.status(403, "denied")}.
 *
 * <p>
 * Pingora counterpart: {@code pingora_proxy::ProxyHttp}.
 *
 * @param <C> the type of the per-request context
 * @since 0.1.0
 */
public interface ProxyHttp<C> {

	/**
	 * Create the context of a new request. Runs once per request, before any other phase,
	 * and must not block. The same object is passed to every phase of that request.
	 * @return the per-request context
	 */
	C newCtx();

	/**
	 * The first phase of every request, before {@link #requestFilter}. Use it for work
	 * that must happen before any module or filter sees the request.
	 *
	 * <p>
	 * By default this phase does nothing and completes empty.
	 * @param session the request
	 * @param ctx the per-request context
	 * @return completes when done; an error ends the request through {@link #failToProxy}
	 */
	default Mono<Void> earlyRequestFilter(Session session, C ctx) {
		return Mono.empty();
	}

	/**
	 * Runs once the request header is read: authenticate, rate-limit, validate or rewrite
	 * the request, or answer it directly with {@link Session#respond} and complete with
	 * {@code true}.
	 *
	 * <p>
	 * By default this phase does nothing and completes with {@code false}.
	 * @param session the request
	 * @param ctx the per-request context
	 * @return {@code true} if a response has been written and the request is done (the
	 * client connection stays usable and only {@link #logging} runs next), {@code false}
	 * to continue; an error ends the request through {@link #failToProxy}
	 */
	default Mono<Boolean> requestFilter(Session session, C ctx) {
		return Mono.just(false);
	}

	/**
	 * Runs for every chunk of the request body as it is sent upstream, including chunks
	 * replayed from the retry buffer, and once more at the end of the body (with an empty
	 * chunk marked {@link BodyChunk#isEndOfStream() end of stream}); for a request
	 * without a body it runs once, at the end. It may inspect or rewrite the chunk (see
	 * {@link BodyChunk} for buffer ownership) and must not block.
	 *
	 * <p>
	 * By default this phase forwards the chunk unchanged and returns
	 * {@link Duration#ZERO}.
	 * @param session the request
	 * @param chunk the chunk
	 * @param ctx the per-request context
	 * @return how long to wait before reading the next chunk from the client (to throttle
	 * uploads), or {@link Duration#ZERO}; throwing ends the request
	 */
	default Duration requestBodyFilter(Session session, BodyChunk chunk, C ctx) {
		return Duration.ZERO;
	}

	// The cache phases (requestCacheFilter, cacheKeyCallback, cacheHitFilter, cacheMiss,
	// cacheVaryFilter, shouldServeStale, cacheNotModifiedFilter, rangeHeaderFilter) run
	// here,
	// between requestFilter and proxyUpstreamFilter, when the HTTP cache is enabled.

	/**
	 * Decide whether the request uses the cache: call
	 * {@code session.cache().enable(config)} to turn caching on. Runs after
	 * {@link #requestFilter}, for every request that phase did not answer.
	 *
	 * <p>
	 * By default this phase does nothing: caching stays off. An exception is logged and
	 * leaves caching off.
	 * @param session the request
	 * @param ctx the per-request context
	 */
	default void requestCacheFilter(Session session, C ctx) {
	}

	/**
	 * Return the cache key of the request. Runs when caching is enabled.
	 *
	 * <p>
	 * By default the key is {@link CacheKey#of the method (HEAD as GET), scheme, host,
	 * path and query}. (Pingora has no default and panics.)
	 * @param session the request
	 * @param ctx the per-request context
	 * @return the key; an exception turns caching off for the request
	 */
	default CacheKey cacheKeyCallback(Session session, C ctx) {
		RequestHeader request = session.requestHeader();
		return CacheKey.of(request.method(), session.scheme(), request.host(), request.originForm());
	}

	/**
	 * Whether the request asks to remove its key's stored response. Runs right after the
	 * key is known; a purge is answered at once: 200 if something was removed, 404 if
	 * nothing was stored, 405 if caching is not enabled for the request.
	 *
	 * <p>
	 * By default this phase returns {@code false}.
	 * @param session the request
	 * @param ctx the per-request context
	 * @return {@code true} to purge
	 */
	default boolean isPurge(Session session, C ctx) {
		return false;
	}

	/**
	 * Change the response to a purge before it is written.
	 *
	 * <p>
	 * By default this phase does nothing and completes empty.
	 * @param session the request
	 * @param ctx the per-request context
	 * @param status how the purge went
	 * @param response the response, {@code Content-Length: 0} and
	 * {@code Cache-Control: private, no-store}, changed in place
	 * @return completes when done; an error answers 500
	 */
	default Mono<Void> purgeResponseFilter(Session session, C ctx, PurgeStatus status, ResponseHeader response) {
		return Mono.empty();
	}

	/**
	 * Return the variance of a request against a stored response: the values of the
	 * request fields the response varies on. Requests with different variances get
	 * different stored responses. Runs on lookup and when a response is stored.
	 *
	 * <p>
	 * By default this returns {@link Variance#of the values of the fields named by the
	 * response's Vary} (RFC 9111 §4.1). (Pingora's default ignores {@code Vary}.)
	 * @param meta the stored response's meta
	 * @param ctx the per-request context
	 * @param request the client's request
	 * @return the variance, or {@code null} if the response does not vary
	 */
	default @Nullable String cacheVaryFilter(CacheMeta meta, C ctx, RequestHeader request) {
		return Variance.of(meta.headers(), request.headers());
	}

	/**
	 * Decide what a stored response found for the request is: runs after every successful
	 * lookup, fresh or stale.
	 *
	 * <p>
	 * By default this phase completes empty: the response's own freshness decides.
	 * @param session the request
	 * @param meta the stored response's meta
	 * @param fresh whether it is fresh (also by the request's own cache directives)
	 * @param ctx the per-request context
	 * @return {@link ForcedFreshness} to override, empty for natural freshness; an error
	 * makes the request a miss
	 */
	default Mono<ForcedFreshness> cacheHitFilter(Session session, CacheMeta meta, boolean fresh, C ctx) {
		return Mono.empty();
	}

	/**
	 * Runs when the request is a miss and goes to the origin, which may fill the cache.
	 *
	 * <p>
	 * By default this calls {@code session.cache().cacheMiss()}; an override that does
	 * not keeps the origin's response out of the cache.
	 * @param session the request
	 * @param ctx the per-request context
	 */
	default void cacheMiss(Session session, C ctx) {
		session.cache().cacheMiss();
	}

	/**
	 * Decide whether the origin's response may be stored, and with what freshness. Runs
	 * for the final response header of a request with caching enabled, after
	 * {@link #upstreamResponseFilter}, and on a revalidating 304 with the stored fields
	 * updated by it.
	 *
	 * <p>
	 * By default this decides as RFC 9111 does for a shared cache
	 * ({@link Cacheability#rfc9111}). (Pingora's default is uncacheable.)
	 * @param session the request
	 * @param response the response header
	 * @param ctx the per-request context
	 * @return the decision; an exception keeps the response out of the cache
	 */
	default Cacheability responseCacheFilter(Session session, ResponseHeader response, C ctx) {
		return session.cache().defaultCacheability(session.requestHeader(), response);
	}

	/**
	 * Whether a response served by the cache becomes a 304 for the client's conditional
	 * request. Runs for responses the cache serves and for those it fetched with the
	 * client's preconditions removed.
	 *
	 * <p>
	 * By default this evaluates {@code If-None-Match} and {@code If-Modified-Since}
	 * ({@link Conditionals#notModified}).
	 * @param session the request
	 * @param response the response header
	 * @param ctx the per-request context
	 * @return {@code true} to answer 304; an exception answers with the whole response
	 */
	default boolean cacheNotModifiedFilter(Session session, ResponseHeader response, C ctx) {
		return Conditionals.notModified(session.requestHeader(), response);
	}

	/**
	 * Decide which part of a response served by the cache the client gets, from its
	 * {@code Range} and {@code If-Range}.
	 *
	 * <p>
	 * By default, for {@code GET} and {@code HEAD} and a 200 response: the ranges
	 * {@link ByteRanges#resolve} finds, when {@code If-Range} (if any) still holds.
	 * @param session the request
	 * @param response the response header
	 * @param length the length of the response body
	 * @param ctx the per-request context
	 * @return the part: whole, one or more ranges, or unsatisfiable (416)
	 */
	default ByteRanges.Result rangeHeaderFilter(Session session, ResponseHeader response, long length, C ctx) {
		return ByteRanges.forRequest(session.requestHeader(), response, length);
	}

	/**
	 * Whether a stale stored response may be served. Runs with no error when the response
	 * is within its stale-while-revalidate allowance (it is then refreshed in the
	 * background), and with the error when the origin failed (an error, or a 5xx as a
	 * {@code HTTP_STATUS} error) and the response is within its stale-if-error allowance.
	 *
	 * <p>
	 * By default this returns {@code true} without an error (the response's own
	 * {@code stale-while-revalidate} is the origin's permission; Pingora's default is
	 * {@code false}) and for errors whose source is the upstream.
	 * @param session the request
	 * @param ctx the per-request context
	 * @param error the origin's failure, or {@code null}
	 * @return {@code true} to serve the stale response
	 */
	default boolean shouldServeStale(Session session, C ctx, @Nullable ProxyError error) {
		return error == null || error.source() == ErrorSource.UPSTREAM;
	}

	/**
	 * Runs after the cache phases, before the proxy connects upstream: the last chance to
	 * decline going to the upstream.
	 *
	 * <p>
	 * By default this phase completes with {@code true}.
	 * @param session the request
	 * @param ctx the per-request context
	 * @return {@code true} to proxy; {@code false} to stop, in which case the proxy
	 * answers 502 (with the client connection kept) unless this phase already wrote a
	 * response; an error ends the request through {@link #failToProxy}
	 */
	default Mono<Boolean> proxyUpstreamFilter(Session session, C ctx) {
		return Mono.just(true);
	}

	/**
	 * Decide where the request goes. Runs at the start of every upstream attempt, so a
	 * retry may pick another peer (failover). Must be implemented.
	 * @param session the request
	 * @param ctx the per-request context
	 * @return the peer for this attempt; an error ends the attempt without
	 * {@link #failToConnect} or {@link #errorWhileProxy} and is retried only if it is
	 * marked retryable; completing empty is an internal error
	 */
	Mono<HttpPeer> upstreamPeer(Session session, C ctx);

	/**
	 * Runs once a connection to the peer is ready, new or taken from the pool, before
	 * anything is sent on it. Use it to record which connection served the request.
	 *
	 * <p>
	 * By default this phase does nothing and completes empty.
	 * @param session the request
	 * @param reused whether the connection came from the pool
	 * @param peer the peer
	 * @param ctx the per-request context
	 * @return completes when done; an error goes to {@link #errorWhileProxy}
	 */
	default Mono<Void> connectedToUpstream(Session session, boolean reused, HttpPeer peer, C ctx) {
		return Mono.empty();
	}

	/**
	 * Runs when the connection to the peer could not be established (TCP connect, TLS
	 * handshake or pool acquisition failed). Nothing was sent upstream, so the request
	 * can be retried safely: mark the error with {@link ProxyError#setRetry(boolean)} and
	 * pick another peer in {@link #upstreamPeer}.
	 *
	 * <p>
	 * By default this phase returns the error unchanged, not retryable.
	 * @param session the request
	 * @param peer the peer that could not be reached
	 * @param ctx the per-request context
	 * @param error the error
	 * @return the error to continue with (its source is forced to upstream); if it is
	 * retryable and attempts remain, the proxy calls {@link #upstreamPeer} again
	 */
	default ProxyError failToConnect(Session session, HttpPeer peer, C ctx, ProxyError error) {
		return error;
	}

	/**
	 * Runs for every attempt just before the request header is sent upstream. The header
	 * is a per-attempt copy of the downstream request header without hop-by-hop fields;
	 * change it to change what the upstream receives (method, target, fields).
	 *
	 * <p>
	 * By default this phase does nothing and completes empty.
	 * @param session the request
	 * @param upstreamRequest the header about to be sent
	 * @param ctx the per-request context
	 * @return completes when done; an error goes to {@link #errorWhileProxy}
	 */
	default Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, C ctx) {
		return Mono.empty();
	}

	/**
	 * Runs when the upstream response header arrives, before {@link #responseFilter}. It
	 * sees only upstream responses (not responses served from the cache), which is why it
	 * exists beside {@code responseFilter}: what it changes is what gets cached.
	 *
	 * <p>
	 * By default this phase does nothing and completes empty.
	 * @param session the request
	 * @param upstreamResponse the response header, without hop-by-hop fields
	 * @param ctx the per-request context
	 * @return completes when done; an error goes to {@link #errorWhileProxy}
	 */
	default Mono<Void> upstreamResponseFilter(Session session, ResponseHeader upstreamResponse, C ctx) {
		return Mono.empty();
	}

	/**
	 * Runs for every chunk of the upstream response body, and once more at the end,
	 * before {@link #responseBodyFilter}. See {@link BodyChunk} for buffer ownership; it
	 * must not block.
	 *
	 * <p>
	 * By default this phase forwards the chunk unchanged and returns
	 * {@link Duration#ZERO}.
	 * @param session the request
	 * @param chunk the chunk
	 * @param ctx the per-request context
	 * @return how long to wait before the next chunk is taken, or {@link Duration#ZERO};
	 * throwing aborts the response
	 */
	default Duration upstreamResponseBodyFilter(Session session, BodyChunk chunk, C ctx) {
		return Duration.ZERO;
	}

	/**
	 * Runs when the upstream response ends with trailer fields (chunked HTTP/1.1), before
	 * {@link #responseTrailerFilter}. Trailers are forwarded to the client when the
	 * response declares them in its {@code Trailer} header and is sent chunked.
	 *
	 * <p>
	 * By default this phase does nothing.
	 * @param session the request
	 * @param trailers the trailer fields, mutable
	 * @param ctx the per-request context
	 */
	default void upstreamResponseTrailerFilter(Session session, HttpHeaders trailers, C ctx) {
	}

	/**
	 * Runs for every response header the proxy forwards downstream, after
	 * {@link #upstreamResponseFilter}. It does not run for error responses written by
	 * {@link #failToProxy} or responses written directly by a request phase.
	 *
	 * <p>
	 * By default this phase does nothing and completes empty.
	 * @param session the request
	 * @param response the response header about to be written, mutable
	 * @param ctx the per-request context
	 * @return completes when done; an error ends the request through
	 * {@link #errorWhileProxy} and {@link #failToProxy}
	 */
	default Mono<Void> responseFilter(Session session, ResponseHeader response, C ctx) {
		return Mono.empty();
	}

	/**
	 * Runs for every chunk of the response body sent downstream, and once more at the end
	 * (with an empty chunk marked end of stream). It may rewrite the body (see
	 * {@link BodyChunk}) or slow the download down by returning a delay; it must not
	 * block.
	 *
	 * <p>
	 * By default this phase forwards the chunk unchanged and returns
	 * {@link Duration#ZERO}.
	 * @param session the request
	 * @param chunk the chunk
	 * @param ctx the per-request context
	 * @return how long to wait before the next chunk is taken (a download rate limit), or
	 * {@link Duration#ZERO}; throwing aborts the response
	 */
	default Duration responseBodyFilter(Session session, BodyChunk chunk, C ctx) {
		return Duration.ZERO;
	}

	/**
	 * Runs after {@link #upstreamResponseTrailerFilter} with the trailer fields about to
	 * be sent downstream. It must not block; throwing drops the trailers (the error is
	 * logged).
	 *
	 * <p>
	 * By default this phase does nothing.
	 * @param session the request
	 * @param trailers the trailer fields, mutable
	 * @param ctx the per-request context
	 */
	default void responseTrailerFilter(Session session, HttpHeaders trailers, C ctx) {
	}

	/**
	 * Runs when an attempt fails after its connection was established: an I/O error, a
	 * timeout, an error from {@link #connectedToUpstream}, {@link #upstreamRequestFilter}
	 * or a response phase. The request may already have reached the upstream, so retrying
	 * a non-idempotent request here is the implementer's decision.
	 *
	 * <p>
	 * By default this phase resolves {@link RetryType#REUSED_ONLY}: the error becomes
	 * retryable when the failed connection came from the pool and the request body (if
	 * any) still fits the retry buffer; that is the stale-pooled-connection case, which
	 * then gets a fresh connection. Every other decision is left as it is.
	 * @param peer the peer of the failed attempt
	 * @param session the request
	 * @param error the error
	 * @param ctx the per-request context
	 * @param clientReused whether the failed attempt used a pooled (reused) upstream
	 * connection
	 * @return the error to continue with; if it is retryable, attempts remain and no
	 * response header was sent downstream, the proxy calls {@link #upstreamPeer} again
	 */
	default ProxyError errorWhileProxy(HttpPeer peer, Session session, ProxyError error, C ctx, boolean clientReused) {
		if (error.retry() == RetryType.REUSED_ONLY) {
			error.setRetry(clientReused && !session.isRetryBufferTruncated());
		}
		return error;
	}

	/**
	 * Runs once with the final error of a failed request: write the error response.
	 *
	 * <p>
	 * By default this phase answers with {@link FailToProxy#statusOf(ProxyError)}: 502
	 * for upstream errors, 504 for upstream timeouts, 400 for bad requests, 500 for
	 * internal errors, nothing when the client is gone, through
	 * {@link Session#respondError(int)}; the client connection is not reused.
	 * @param session the request
	 * @param error the final error
	 * @param ctx the per-request context
	 * @return the outcome: the status for logs and whether the client connection may be
	 * reused
	 */
	default Mono<FailToProxy> failToProxy(Session session, ProxyError error, C ctx) {
		int status = FailToProxy.statusOf(error);
		if (status == 0 || session.isResponseWritten()) {
			// Nothing to send: the client is gone, or a response is already under way
			// (the
			// engine then closes the connection mid-body).
			return Mono.just(new FailToProxy(0, false));
		}
		return session.respondError(status).thenReturn(new FailToProxy(status, false));
	}

	/**
	 * Runs exactly once at the end of every request that reached {@link #newCtx()}: after
	 * a proxied response, a response written by a request phase, an error, or a client
	 * that went away. Use it for access logs and metrics.
	 *
	 * <p>
	 * By default this phase does nothing and completes empty.
	 * @param session the request
	 * @param error the final error, or {@code null} if the request succeeded
	 * @param ctx the per-request context
	 * @return completes when done; errors are logged and otherwise ignored
	 */
	default Mono<Void> logging(Session session, @Nullable ProxyError error, C ctx) {
		return Mono.empty();
	}

	/**
	 * Describe the request in error and warning log lines.
	 *
	 * <p>
	 * By default this returns {@link Session#requestSummary()}:
	 * {@code METHOD PATH, Host: HOST}.
	 * @param session the request
	 * @param ctx the per-request context
	 * @return the text appended to log lines about this request
	 */
	default String requestSummary(Session session, C ctx) {
		return session.requestSummary();
	}

	/**
	 * Decide whether the error of a failed request is logged.
	 *
	 * <p>
	 * By default this returns {@code false}: every failed request logs one line
	 * {@code Fail to proxy: ERROR, status: N, tries: N, SUMMARY}.
	 * @param session the request
	 * @param ctx the per-request context
	 * @param error the final error
	 * @return {@code true} to skip the error log line
	 */
	default boolean suppressErrorLog(Session session, C ctx, ProxyError error) {
		return false;
	}

}
