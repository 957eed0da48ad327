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

package dev.pingora.proxy.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pingora.cache.NoCacheReason;
import dev.pingora.cache.PurgeStatus;
import dev.pingora.error.ErrorSource;
import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;
import dev.pingora.internal.Monos;
import dev.pingora.proxy.BodyChunk;
import dev.pingora.proxy.FailToProxy;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.upstream.HttpPeer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * The phase state machine for one downstream request (Pingora's {@code process_request}):
 * request phases, the retry loop over upstream attempts, error handling and the final
 * {@code logging}, which runs exactly once whatever happens, including a client that goes
 * away mid-request.
 *
 * @param <C> the type of the per-request context
 */
final class ProxyRequest<C> {

	private static final Logger logger = LoggerFactory.getLogger("dev.pingora.proxy");

	private static final HttpPeer NO_PEER = HttpPeer.of("0.0.0.0", 1);

	final HttpProxy<C> engine;

	final ProxyHttp<C> proxy;

	final DefaultSession session;

	final C ctx;

	private final AtomicBoolean finished = new AtomicBoolean();

	private @Nullable ProxyError error;

	private @Nullable UpstreamAttempt<C> lastAttempt;

	/**
	 * The cache phases, when caching is enabled for the request.
	 */
	@Nullable CacheFlow<C> cacheFlow;

	/**
	 * For a background refresh (stale-while-revalidate): the stale response and its lock.
	 */
	CacheFlow.@Nullable Background background;

	ProxyRequest(HttpProxy<C> engine, DefaultSession session, C ctx) {
		this.engine = engine;
		this.proxy = engine.proxy;
		this.session = session;
		this.ctx = ctx;
	}

	Mono<Void> run() {
		return Mono.defer(this::process)
			.onErrorResume((error) -> fail(error).onErrorResume(this::failFailed))
			.then(Mono.defer(this::finish))
			.doFinally(this::cleanup);
	}

	private Mono<Void> process() {
		return Monos.then(this.proxy.earlyRequestFilter(this.session, this.ctx), this::requestFilter);
	}

	private Mono<Void> requestFilter() {
		return Monos.then(this.proxy.requestFilter(this.session, this.ctx), Boolean.FALSE, this::afterRequestFilter);
	}

	private Mono<Void> afterRequestFilter(Boolean responded) {
		if (responded) {
			releaseBackground();
			return Mono.empty();
		}
		RequestCache cache = requestCacheFilter();
		if (cache != null && cache.isEnabled()) {
			CacheFlow<C> flow = new CacheFlow<>(this, cache, this.background);
			this.cacheFlow = flow;
			return flow.start(this::toUpstream);
		}
		releaseBackground();
		if (this.proxy.isPurge(this.session, this.ctx)) {
			return CacheFlow.purgeResponse(this, PurgeStatus.NO_CACHE);
		}
		return toUpstream();
	}

	private @Nullable RequestCache requestCacheFilter() {
		try {
			this.proxy.requestCacheFilter(this.session, this.ctx);
		}
		catch (RuntimeException ex) {
			logger.warn("requestCacheFilter failed, caching off for {}", this.session.requestSummary(), ex);
			RequestCache cache = this.session.cacheState();
			if (cache != null) {
				cache.disable(NoCacheReason.INTERNAL_ERROR);
			}
		}
		RequestCache cache = this.session.cacheState();
		if (cache != null) {
			cache.sealed = true;
		}
		return cache;
	}

	/**
	 * A background refresh whose request did not enable caching lets its lock go.
	 */
	private void releaseBackground() {
		CacheFlow.Background refresh = this.background;
		if (refresh != null) {
			refresh.giveUp();
		}
		this.background = null;
	}

	private Mono<Void> toUpstream() {
		return Monos.then(this.proxy.proxyUpstreamFilter(this.session, this.ctx), Boolean.TRUE,
				this::afterProxyUpstreamFilter);
	}

	/**
	 * Refresh a stale response in a subrequest of its own (stale-while-revalidate): it
	 * runs every phase like a request, with no client to answer.
	 */
	void refreshInBackground(CacheFlow.Background refresh) {
		C subCtx;
		try {
			subCtx = this.proxy.newCtx();
		}
		catch (RuntimeException ex) {
			logger.warn("newCtx failed; no background refresh for {}", this.session.requestSummary(), ex);
			refresh.giveUp();
			return;
		}
		ProxyRequest<C> subrequest = new ProxyRequest<>(this.engine, this.session.detachedCopy(), subCtx);
		subrequest.background = refresh;
		this.engine.serveDetached(subrequest);
	}

	private Mono<Void> afterProxyUpstreamFilter(Boolean proceed) {
		if (!proceed) {
			return this.session.isResponseWritten() ? Mono.empty() : this.session.respondDeclined(502);
		}
		if (this.session.hasRequestBody()) {
			this.session.retryBuffer = new RetryBuffer(this.session.requestBody(),
					this.engine.settings.retryBufferSize(), this.engine.phases.requestBody);
		}
		return proxyToUpstream(false);
	}

	private Mono<Void> proxyToUpstream(boolean fresh) {
		this.session.attempts++;
		Mono<HttpPeer> peer = this.proxy.upstreamPeer(this.session, this.ctx);
		Mono<Void> attempt;
		if (peer instanceof Fuseable.ScalarCallable) {
			attempt = Monos.then(peer, NO_PEER, (selected) -> attempt(selected, fresh));
		}
		else {
			attempt = peer.defaultIfEmpty(NO_PEER).flatMap((selected) -> attempt(selected, fresh));
		}
		return attempt.onErrorResume(this::retryOrFail);
	}

	private Mono<Void> attempt(HttpPeer peer, boolean fresh) {
		if (peer == NO_PEER) {
			return Mono.error(ProxyError.internal("upstreamPeer completed without a peer", null));
		}
		this.session.peerSelected = this.engine.ticker.read();
		UpstreamAttempt<C> attempt = new UpstreamAttempt<>(this, peer, fresh);
		this.lastAttempt = attempt;
		return attempt.run();
	}

	private Mono<Void> retryOrFail(Throwable throwable) {
		ProxyError failure = ProxyError.from(throwable);
		RetryBuffer body = this.session.retryBuffer;
		if (failure.isRetry() && this.session.attempts < this.engine.settings.maxRetries()
				&& !this.session.isResponseWritten() && (body == null || !body.isTruncated())) {
			UpstreamAttempt<C> failed = this.lastAttempt;
			boolean fresh = failed != null && failed.reused();
			if (logger.isWarnEnabled()) {
				logger.warn("Retrying after: {}, tries: {}, {}", failure.getMessage(), this.session.attempts,
						this.proxy.requestSummary(this.session, this.ctx));
			}
			return proxyToUpstream(fresh);
		}
		return Mono.error(failure);
	}

	/**
	 * The request body for an upstream attempt, with the body phase applied, or
	 * {@code null} when the request has no body.
	 */
	@Nullable Flux<ByteBuf> upstreamBody() {
		RetryBuffer body = this.session.retryBuffer;
		if (body == null) {
			return null;
		}
		Flux<ByteBuf> chunks = body.attempt();
		if (this.engine.phases.requestBody) {
			chunks = ((BodyFilter) (chunk) -> this.proxy.requestBodyFilter(this.session, chunk, this.ctx))
				.filter(chunks);
		}
		return chunks;
	}

	/**
	 * Run the request body phase once, at the end, for a request that has no body.
	 */
	void filterEmptyRequestBody() {
		if (this.engine.phases.requestBody) {
			BodyChunk chunk = new BodyChunk(Unpooled.EMPTY_BUFFER, true);
			Duration ignored = this.proxy.requestBodyFilter(this.session, chunk, this.ctx);
			if (chunk.data().isReadable()) {
				logger.warn("requestBodyFilter added data to a request without a body; it was dropped ({})",
						this.session.requestSummary());
			}
			chunk.data().release();
		}
	}

	/**
	 * The response body on its way downstream, with the body phases applied.
	 */
	Flux<ByteBuf> downstreamBody(Flux<ByteBuf> upstream) {
		Flux<ByteBuf> body = upstream;
		Phases phases = this.engine.phases;
		if (phases.responseBodyFilters()) {
			body = ((BodyFilter) this::filterResponseChunk).filter(body);
		}
		return countSent(body);
	}

	/**
	 * The upstream response body with {@code upstreamResponseBodyFilter} applied: what
	 * the cache stores.
	 */
	Flux<ByteBuf> upstreamBodyFiltered(Flux<ByteBuf> upstream) {
		if (!this.engine.phases.upstreamResponseBody) {
			return upstream;
		}
		return ((BodyFilter) (chunk) -> this.proxy.upstreamResponseBodyFilter(this.session, chunk, this.ctx))
			.filter(upstream);
	}

	/**
	 * A body served downstream with {@code responseBodyFilter} applied: what the cache
	 * serves.
	 */
	Flux<ByteBuf> responseBodyFiltered(Flux<ByteBuf> body) {
		Flux<ByteBuf> filtered = body;
		if (this.engine.phases.responseBody) {
			filtered = ((BodyFilter) (chunk) -> this.proxy.responseBodyFilter(this.session, chunk, this.ctx))
				.filter(filtered);
		}
		return countSent(filtered);
	}

	private Flux<ByteBuf> countSent(Flux<ByteBuf> body) {
		return body.doOnNext((chunk) -> this.session.responseBodyBytesSent += chunk.readableBytes());
	}

	/**
	 * Run the response body phases once, at the end, for a response without a body.
	 * @return the bytes the phases added (the caller's to release), or {@code null} if
	 * the body stays empty
	 */
	@Nullable ByteBuf filterEmptyResponseBody() {
		if (!this.engine.phases.responseBodyFilters()) {
			return null;
		}
		BodyChunk chunk = new BodyChunk(Unpooled.EMPTY_BUFFER, true);
		try {
			Duration ignored = filterResponseChunk(chunk);
		}
		catch (RuntimeException ex) {
			chunk.data().release();
			throw ex;
		}
		if (!chunk.data().isReadable()) {
			chunk.data().release();
			return null;
		}
		return chunk.data();
	}

	private Duration filterResponseChunk(BodyChunk chunk) {
		Duration delay = Duration.ZERO;
		if (this.engine.phases.upstreamResponseBody) {
			delay = delay.plus(this.proxy.upstreamResponseBodyFilter(this.session, chunk, this.ctx));
		}
		if (this.engine.phases.responseBody) {
			delay = delay.plus(this.proxy.responseBodyFilter(this.session, chunk, this.ctx));
		}
		return delay;
	}

	private Mono<Void> fail(Throwable throwable) {
		ProxyError failure = ProxyError.from(throwable);
		CacheFlow<C> flow = this.cacheFlow;
		Mono<Void> stale = (flow != null) ? flow.staleOnError(failure) : null;
		if (stale != null) {
			// stale-if-error: the client gets the stored response instead.
			return stale;
		}
		this.error = failure;
		// A response whose header already went out cannot become an error page: the only
		// honest ending left is to close the connection mid-body.
		boolean partial = this.session.isResponseWritten();
		if (this.session.attempts > 0) {
			// As in Pingora, only an error before any upstream attempt may leave the
			// client
			// connection open; decided before failToProxy writes its response.
			this.session.setKeepAlive(false);
		}
		Mono<FailToProxy> outcome;
		try {
			outcome = this.proxy.failToProxy(this.session, failure, this.ctx);
		}
		catch (Throwable ex) {
			outcome = Mono.error(ex);
		}
		return outcome.onErrorResume((ex) -> {
			logger.error("failToProxy failed for {}", this.session.requestSummary(), ex);
			return this.session.respondError(500).thenReturn(new FailToProxy(500, false));
		}).switchIfEmpty(Mono.defer(() -> defaultFailure(failure, partial))).doOnNext((result) -> {
			if (!result.canReuseDownstream() || this.session.attempts > 0) {
				this.session.setKeepAlive(false);
			}
			logFailure(failure, result.errorCode());
			if (partial) {
				this.session.abortDownstream();
			}
		}).then();
	}

	private Mono<Void> failFailed(Throwable throwable) {
		logger.error("Error handling failed for {}; closing the connection", this.session.requestSummary(), throwable);
		this.session.abortDownstream();
		return Mono.empty();
	}

	private Mono<FailToProxy> defaultFailure(ProxyError failure, boolean partial) {
		int status = FailToProxy.statusOf(failure);
		if (status == 0 || partial) {
			return Mono.just(new FailToProxy(0, false));
		}
		return this.session.respondError(status).thenReturn(new FailToProxy(status, false));
	}

	private void logFailure(ProxyError failure, int status) {
		if (this.proxy.suppressErrorLog(this.session, this.ctx, failure)) {
			return;
		}
		String summary = this.proxy.requestSummary(this.session, this.ctx);
		if (status == 0 && failure.source() == ErrorSource.DOWNSTREAM) {
			// The client went away: routine on the internet, worth a debug line only.
			logger.debug("Client gone: {}, tries: {}, {}", failure.getMessage(), this.session.attempts, summary);
			return;
		}
		if (failure.source() == ErrorSource.INTERNAL
				|| failure.source() == ErrorSource.UNSET && failure.type() != ErrorType.HTTP_STATUS) {
			logger.error("Fail to proxy: {}, status: {}, tries: {}, {}", failure.getMessage(), status,
					this.session.attempts, summary, failure.getCause());
		}
		else {
			logger.error("Fail to proxy: {}, status: {}, tries: {}, {}", failure.getMessage(), status,
					this.session.attempts, summary);
		}
	}

	private Mono<Void> finish() {
		if (!this.finished.compareAndSet(false, true)) {
			return Mono.empty();
		}
		this.session.done = this.engine.ticker.read();
		Mono<Void> logging;
		try {
			logging = this.proxy.logging(this.session, this.error, this.ctx);
		}
		catch (Throwable ex) {
			logging = Mono.error(ex);
		}
		return logging.onErrorResume((ex) -> {
			logger.warn("logging phase failed for {}", this.session.requestSummary(), ex);
			return Mono.empty();
		});
	}

	private void cleanup(SignalType signal) {
		RetryBuffer body = this.session.retryBuffer;
		if (body != null) {
			body.dispose();
		}
		CacheFlow<C> flow = this.cacheFlow;
		if (flow != null) {
			flow.finish();
		}
		else {
			releaseBackground();
		}
		if ((signal == SignalType.CANCEL || signal == SignalType.ON_ERROR) && !this.finished.get()) {
			// The client went away (the chain was cancelled), or error handling itself
			// failed: logging has not run yet.
			if (this.error == null) {
				this.error = ProxyError.downstream(ErrorType.CONNECTION_CLOSED, "client closed the connection", null);
			}
			finish().subscribe();
		}
		this.engine.requestDone();
	}

}
