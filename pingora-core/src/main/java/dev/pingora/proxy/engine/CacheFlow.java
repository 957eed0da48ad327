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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.pingora.cache.ByteRanges;
import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.CacheControl;
import dev.pingora.cache.CacheKey;
import dev.pingora.cache.CacheLock;
import dev.pingora.cache.CacheMeta;
import dev.pingora.cache.CachePhase;
import dev.pingora.cache.Cacheability;
import dev.pingora.cache.Conditionals;
import dev.pingora.cache.ForcedFreshness;
import dev.pingora.cache.Freshness;
import dev.pingora.cache.NoCacheReason;
import dev.pingora.cache.Predictor;
import dev.pingora.cache.PurgeStatus;
import dev.pingora.cache.Storage;
import dev.pingora.error.ErrorSource;
import dev.pingora.error.ProxyError;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.internal.Monos;
import dev.pingora.proxy.ProxyHttp;

/**
 * The cache phases of one request (Pingora's {@code proxy_cache}): key, purge, lookup
 * with variance, hit / stale / miss decision, the cache lock, the upstream request
 * rewritten for the cache, admission of the origin's response with a streamed fill,
 * revalidation, stale-while-revalidate in a background subrequest, stale-if-error, and
 * serving a stored response with {@code Age}, 304 to conditional clients, {@code HEAD}
 * and ranges.
 *
 * <p>
 * A response the cache stores is served to its client from the storage as it fills, like
 * a hit: the client and any lock readers of the key read the same stored bytes.
 *
 * @param <C> the type of the per-request context
 */
final class CacheFlow<C> {

	private static final Logger logger = LoggerFactory.getLogger("dev.pingora.cache");

	/**
	 * The status of a primary slot that only records the {@code Vary} of the key's
	 * variants: it is never served.
	 */
	static final int VARY_INDEX = 0;

	private static final int MAX_LOOKUPS = 5;

	private final ProxyRequest<C> request;

	private final ProxyHttp<C> proxy;

	private final DefaultSession session;

	private final RequestCache cache;

	private final CacheConfig config;

	private final C ctx;

	private final @Nullable Background background;

	private final CacheControl directives;

	private Supplier<Mono<Void>> upstream = Mono::empty;

	private int lookups;

	private long waitedNanos;

	private Storage.@Nullable Hit stale;

	private @Nullable CacheKey staleKey;

	private CacheLock.@Nullable WritePermit permit;

	private boolean rewrite;

	private boolean noStale;

	private boolean invalidate;

	private @Nullable FillWriter filling;

	CacheFlow(ProxyRequest<C> request, RequestCache cache, @Nullable Background background) {
		this.request = request;
		this.proxy = request.proxy;
		this.session = request.session;
		this.ctx = request.ctx;
		this.cache = cache;
		this.config = cache.requireConfig();
		this.background = background;
		this.directives = CacheControl.of(this.session.requestHeader().headers());
	}

	/**
	 * The cache phases after {@code requestCacheFilter}.
	 * @param toUpstream the rest of the request when it goes to the origin
	 */
	Mono<Void> start(Supplier<Mono<Void>> toUpstream) {
		this.upstream = toUpstream;
		CacheKey key;
		try {
			key = this.proxy.cacheKeyCallback(this.session, this.ctx);
		}
		catch (RuntimeException ex) {
			logger.warn("cacheKeyCallback failed, caching off for {}", this.session.requestSummary(), ex);
			this.cache.disable(NoCacheReason.INTERNAL_ERROR);
			return toUpstream.get();
		}
		this.cache.key = key;
		if (this.proxy.isPurge(this.session, this.ctx)) {
			return purge(key);
		}
		HttpMethod method = this.session.requestHeader().method();
		if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
			this.invalidate = !isSafe(method);
			this.cache.disable(NoCacheReason.METHOD_NOT_CACHED);
			return toUpstream.get();
		}
		Background refresh = this.background;
		if (refresh != null) {
			// A background refresh: the stale response and its lock come with it.
			this.stale = refresh.hit;
			this.staleKey = refresh.key;
			this.permit = refresh.permit;
			this.cache.key = refresh.key;
			this.cache.meta = refresh.hit.meta();
			this.cache.phase = CachePhase.STALE;
			this.rewrite = true;
			return toUpstream.get();
		}
		Predictor predictor = this.config.predictor();
		if (predictor != null && predictor.isUncacheable(key)) {
			this.cache.phase = CachePhase.BYPASS;
			return toUpstream.get();
		}
		return lookup();
	}

	private Mono<Void> lookup() {
		this.lookups++;
		Storage.Hit hit = find();
		if (hit == null) {
			return miss();
		}
		CacheMeta meta = hit.meta();
		this.cache.meta = meta;
		Instant now = now();
		boolean fresh = meta.isFresh(now) && requestAccepts(meta, now);
		Mono<ForcedFreshness> forced;
		try {
			forced = this.proxy.cacheHitFilter(this.session, meta, fresh, this.ctx);
			if (forced instanceof Fuseable.ScalarCallable<?> scalar) {
				// The usual answer, Mono.empty() or Mono.just(..): no operators needed.
				return onHit(hit, fresh, (ForcedFreshness) scalar.call());
			}
		}
		catch (Exception ex) {
			forced = Mono.error(ex);
		}
		return forced.map(Optional::of).defaultIfEmpty(Optional.empty()).onErrorResume((ex) -> {
			logger.warn("cacheHitFilter failed, treated as a miss: {}", this.session.requestSummary(), ex);
			return Mono.just(Optional.of(ForcedFreshness.FORCE_MISS));
		}).flatMap((decision) -> onHit(hit, fresh, decision.orElse(null)));
	}

	private Storage.@Nullable Hit find() {
		Storage storage = this.config.storage();
		CacheKey primary = primaryKey();
		Storage.Hit hit = storage.lookup(primary);
		this.cache.key = primary;
		if (hit == null) {
			return null;
		}
		CacheMeta meta = hit.meta();
		String variance = meta.headers().contains(HttpHeaderNames.VARY) ? variance(meta) : null;
		if (variance == null) {
			// A Vary index is never served itself.
			return (meta.status() == VARY_INDEX) ? null : hit;
		}
		CacheKey variant = primary.withVariance(variance);
		this.cache.key = variant;
		return storage.lookup(variant);
	}

	private @Nullable String variance(CacheMeta meta) {
		try {
			return this.proxy.cacheVaryFilter(meta, this.ctx, this.session.requestHeader());
		}
		catch (RuntimeException ex) {
			logger.warn("cacheVaryFilter failed for {}", this.session.requestSummary(), ex);
			return null;
		}
	}

	private CacheKey primaryKey() {
		CacheKey key = keyOrThrow();
		return (key.variance() != null) ? key.withVariance(null) : key;
	}

	/**
	 * Whether the request's own directives (RFC 9111 §5.2.1) accept a fresh response.
	 */
	private boolean requestAccepts(CacheMeta meta, Instant now) {
		if (requestNoCache()) {
			return false;
		}
		long age = meta.age(now).toSeconds();
		Integer maxAge = this.directives.maxAge();
		if (maxAge != null && age > Math.max(maxAge, 0)) {
			return false;
		}
		Integer minFresh = this.directives.seconds("min-fresh");
		return minFresh == null || meta.freshFor().toSeconds() - age >= minFresh;
	}

	/**
	 * Whether the request asks for a validated or young response ({@code no-cache},
	 * {@code Pragma: no-cache}, {@code max-age}): it is not served stale while the
	 * response is refreshed.
	 */
	private boolean requestWantsValidation() {
		return requestNoCache() || this.directives.maxAge() != null;
	}

	/**
	 * {@code Cache-Control: no-cache}, or {@code Pragma: no-cache} without
	 * {@code Cache-Control} (RFC 9111 §5.4).
	 */
	private boolean requestNoCache() {
		return this.directives.noCache() || (this.directives.isEmpty() && this.session.requestHeader()
			.headers()
			.containsValue(HttpHeaderNames.PRAGMA, HttpHeaderValues.NO_CACHE, true));
	}

	/**
	 * Whether the request's {@code max-stale} accepts this stale response, which does not
	 * forbid it.
	 */
	private boolean maxStaleAccepts(CacheMeta meta, Instant now) {
		if (!this.directives.has("max-stale") || this.directives.noCache()) {
			return false;
		}
		CacheControl stored = CacheControl.of(meta.headers());
		if (Freshness.forbidsStale(stored) || stored.noCache()) {
			return false;
		}
		Integer limit = this.directives.seconds("max-stale");
		Duration staleFor = meta.age(now).minus(meta.freshFor());
		return limit == null || (limit >= 0 && staleFor.toSeconds() <= limit);
	}

	private Mono<Void> onHit(Storage.Hit hit, boolean naturallyFresh, @Nullable ForcedFreshness forced) {
		boolean fresh = naturallyFresh;
		if (forced == ForcedFreshness.FORCE_MISS) {
			return miss();
		}
		if (forced == ForcedFreshness.FORCE_FRESH) {
			fresh = true;
		}
		else if (forced == ForcedFreshness.FORCE_EXPIRED) {
			fresh = false;
			this.noStale = true;
		}
		if (fresh) {
			this.cache.phase = CachePhase.HIT;
			return serve(hit, hit.meta(), null);
		}
		Instant now = now();
		if (!this.noStale && maxStaleAccepts(hit.meta(), now)) {
			this.cache.phase = CachePhase.STALE;
			return serve(hit, hit.meta(), null);
		}
		return onStale(hit, now);
	}

	private Mono<Void> onStale(Storage.Hit hit, Instant now) {
		this.stale = hit;
		this.staleKey = this.cache.key;
		this.cache.phase = CachePhase.STALE;
		if (this.directives.onlyIfCached()) {
			return gatewayTimeout();
		}
		boolean whileRevalidate = !this.noStale && !requestWantsValidation()
				&& hit.meta().canServeStaleWhileRevalidate(now)
				&& this.proxy.shouldServeStale(this.session, this.ctx, null);
		CacheLock lock = this.config.lock();
		if (lock != null) {
			CacheLock.Locked locked = lock.lock(keyOrThrow());
			if (locked instanceof CacheLock.ReadLock reader) {
				if (whileRevalidate) {
					this.cache.phase = CachePhase.STALE_UPDATING;
					return serve(hit, hit.meta(), null);
				}
				return waitFor(reader);
			}
			this.permit = (CacheLock.WritePermit) locked;
		}
		if (whileRevalidate) {
			this.cache.phase = CachePhase.STALE_UPDATING;
			CacheLock.WritePermit held = this.permit;
			this.permit = null;
			this.request.refreshInBackground(new Background(hit, keyOrThrow(), held));
			return serve(hit, hit.meta(), null);
		}
		this.rewrite = true;
		return this.upstream.get();
	}

	private Mono<Void> miss() {
		this.cache.phase = CachePhase.MISS;
		this.stale = null;
		if (this.directives.onlyIfCached()) {
			return gatewayTimeout();
		}
		CacheLock lock = this.config.lock();
		if (lock != null) {
			CacheLock.Locked locked = lock.lock(keyOrThrow());
			if (locked instanceof CacheLock.ReadLock reader) {
				return waitFor(reader);
			}
			this.permit = (CacheLock.WritePermit) locked;
		}
		try {
			this.proxy.cacheMiss(this.session, this.ctx);
		}
		catch (RuntimeException ex) {
			logger.warn("cacheMiss failed for {}", this.session.requestSummary(), ex);
		}
		this.rewrite = true;
		return this.upstream.get();
	}

	private Mono<Void> gatewayTimeout() {
		// only-if-cached and nothing usable stored (RFC 9111 §5.2.1.7).
		this.cache.disable(NoCacheReason.CUSTOM);
		return this.session.respondDeclined(504);
	}

	private Mono<Void> waitFor(CacheLock.ReadLock reader) {
		this.config.stats().lockWait();
		long left = this.config.lockWaitTimeout().toNanos() - this.waitedNanos;
		long started = System.nanoTime();
		return reader.await(Duration.ofNanos(Math.max(left, 1))).flatMap((status) -> {
			this.waitedNanos += System.nanoTime() - started;
			return switch (status) {
				case DONE, TRANSIENT_ERROR, AGE_TIMEOUT ->
					(this.lookups < MAX_LOOKUPS) ? lookup() : uncached(NoCacheReason.CACHE_LOCK_TIMEOUT);
				case GIVE_UP -> uncached(NoCacheReason.CACHE_LOCK_GIVE_UP);
				case WAIT_TIMEOUT -> uncached(NoCacheReason.CACHE_LOCK_TIMEOUT);
			};
		});
	}

	private Mono<Void> uncached(NoCacheReason reason) {
		this.cache.disable(reason);
		this.stale = null;
		return this.upstream.get();
	}

	/**
	 * The method of the upstream request: a cache fill asks for the whole {@code GET}
	 * response even for a {@code HEAD}.
	 */
	HttpMethod upstreamMethod(HttpMethod method) {
		return (this.rewrite && HttpMethod.HEAD.equals(method)) ? HttpMethod.GET : method;
	}

	/**
	 * Rewrite the upstream request for the cache, before {@code upstreamRequestFilter}:
	 * the client's preconditions and range go (the cache applies them to what it stores),
	 * and a revalidation asks with the stored validators.
	 */
	void rewriteUpstreamRequest(HttpHeaders fields) {
		this.cache.requestTime = now();
		if (!this.rewrite) {
			return;
		}
		Conditionals.removePreconditions(fields);
		Storage.Hit stored = this.stale;
		if (stored != null) {
			Conditionals.addValidators(fields, stored.meta().headers());
		}
	}

	/**
	 * The origin's response header arrived (after {@code upstreamResponseFilter}).
	 * @param response the response
	 * @param body the upstream body, unfiltered
	 * @return what the cache does with it, or {@code null} to proxy it as usual
	 */
	@Nullable Mono<Void> onUpstreamResponse(ResponseHeader response, Flux<ByteBuf> body) {
		this.cache.responseTime = now();
		int status = response.status();
		if (this.invalidate) {
			if (status < 400) {
				invalidate(response);
			}
			return null;
		}
		Storage.Hit stored = this.stale;
		if (stored != null && status == 304) {
			return revalidated(response, body, stored);
		}
		if (stored != null && status >= 500 && this.cache.isEnabled()) {
			ProxyError error = ProxyError.status(status, "upstream answered " + status)
				.withSource(ErrorSource.UPSTREAM);
			if (mayServeStale(stored, error)) {
				release(CacheLock.Status.TRANSIENT_ERROR);
				this.cache.phase = CachePhase.STALE;
				body.subscribe(ByteBuf::release, (ex) -> {
				});
				return serve(stored, stored.meta(), null);
			}
		}
		if (!this.cache.isEnabled() || !(this.rewrite || this.cache.phase == CachePhase.BYPASS)) {
			markStatus(response);
			return null;
		}
		Cacheability decision;
		try {
			decision = this.proxy.responseCacheFilter(this.session, response, this.ctx);
		}
		catch (RuntimeException ex) {
			logger.warn("responseCacheFilter failed for {}", this.session.requestSummary(), ex);
			decision = Cacheability.uncacheable(NoCacheReason.INTERNAL_ERROR, ex.toString());
		}
		if (decision instanceof Cacheability.Cacheable cacheable) {
			Cacheability admitted = admit(response, cacheable.meta());
			if (admitted instanceof Cacheability.Cacheable) {
				return store(response, cacheable.meta(), body);
			}
			decision = admitted;
		}
		if (decision instanceof Cacheability.Uncacheable uncacheable) {
			notStored(uncacheable.reason());
		}
		return forward(response, body);
	}

	/**
	 * Last checks before storing: a bypassed key fills only from a GET 200, the miss must
	 * have been accepted, and the response must not be larger than the cache takes.
	 */
	private Cacheability admit(ResponseHeader response, CacheMeta meta) {
		Predictor predictor = this.config.predictor();
		if (this.cache.phase == CachePhase.BYPASS) {
			if (response.header(HttpHeaderNames.CONTENT_LENGTH) == null) {
				// It may be the body that grew too large last time: without a length, the
				// key stays predicted uncacheable (Pingora's PredictedResponseTooLarge).
				return Cacheability.uncacheable(NoCacheReason.RESPONSE_TOO_LARGE,
						"length unknown, predicted too large");
			}
			if (predictor != null) {
				predictor.markCacheable(keyOrThrow());
			}
			if (response.status() != 200 || !HttpMethod.GET.equals(this.session.requestHeader().method())) {
				return Cacheability.uncacheable(NoCacheReason.DEFERRED, "predicted uncacheable");
			}
			this.cache.missAccepted = false;
			try {
				this.proxy.cacheMiss(this.session, this.ctx);
			}
			catch (RuntimeException ex) {
				logger.warn("cacheMiss failed for {}", this.session.requestSummary(), ex);
			}
		}
		if (!this.cache.missAccepted && this.background == null && this.stale == null) {
			return Cacheability.uncacheable(NoCacheReason.CUSTOM, "cacheMiss did not accept the miss");
		}
		long max = this.config.maxFileSize();
		long length = CacheMeta.declaredLength(response.headers());
		if (max > 0 && length > max) {
			return Cacheability.uncacheable(NoCacheReason.RESPONSE_TOO_LARGE, "Content-Length " + length);
		}
		return Cacheability.cacheable(meta);
	}

	/**
	 * The storage gave up on a response while storing it (larger than it takes): the
	 * predictor learns it.
	 */
	private void notStoredAnyMore() {
		Predictor predictor = this.config.predictor();
		CacheKey key = this.cache.key;
		if (predictor != null && key != null) {
			predictor.markUncacheable(key, NoCacheReason.RESPONSE_TOO_LARGE);
		}
	}

	private void notStored(NoCacheReason reason) {
		boolean bypassed = this.cache.phase == CachePhase.BYPASS;
		this.cache.disable(reason);
		if (bypassed) {
			// Still uncacheable, as predicted: the status header says so.
			this.cache.phase = CachePhase.BYPASS;
		}
		Predictor predictor = this.config.predictor();
		CacheKey key = this.cache.key;
		if (predictor != null && key != null) {
			predictor.markUncacheable(key, reason);
		}
		release(CacheLock.Status.GIVE_UP);
	}

	/**
	 * A response the cache fetched but does not store: proxied, without a body for a
	 * {@code HEAD} the cache turned into a {@code GET}.
	 */
	private @Nullable Mono<Void> forward(ResponseHeader response, Flux<ByteBuf> body) {
		markStatus(response);
		if (this.rewrite && HttpMethod.HEAD.equals(this.session.requestHeader().method())) {
			Flux<ByteBuf> drained = body.doOnNext(ByteBuf::release).filter((chunk) -> false);
			return Monos.then(this.proxy.responseFilter(this.session, response, this.ctx),
					() -> this.session.sendProxied(response, drained));
		}
		return null;
	}

	private Mono<Void> store(ResponseHeader response, CacheMeta meta, Flux<ByteBuf> body) {
		Storage storage = this.config.storage();
		CacheKey primary = primaryKey();
		CacheKey key = primary;
		if (meta.headers().contains(HttpHeaderNames.VARY)) {
			String variance = variance(meta);
			if (variance != null) {
				Storage.Fill index = storage.startFill(primary, indexOf(meta));
				if (index != null) {
					index.finish();
				}
				key = primary.withVariance(variance);
			}
		}
		Storage.Fill fill = storage.startFill(key, meta);
		Storage.Hit hit = (fill != null) ? storage.lookup(key) : null;
		if (fill == null || hit == null) {
			if (fill != null) {
				fill.abort(new IllegalStateException("stored response not found"));
			}
			this.cache.disable(NoCacheReason.STORAGE_ERROR);
			release(CacheLock.Status.TRANSIENT_ERROR);
			return forwardOrProxy(response, body);
		}
		this.cache.key = key;
		this.cache.meta = meta;
		this.cache.phase = (this.stale != null) ? CachePhase.EXPIRED : CachePhase.MISS;
		FillWriter writer = new FillWriter(fill);
		this.filling = writer;
		// The storage streams what it has to readers: the lock's readers may come now.
		release(CacheLock.Status.DONE);
		Flux<ByteBuf> stored = this.request.upstreamBodyFiltered(body);
		if (this.session.isDetached()) {
			return writer.drive(stored);
		}
		if (response.header(HttpHeaderNames.CONTENT_LENGTH) == null) {
			// A body of unknown length reaches its client through the fill, not from the
			// storage: if it grows past what the storage takes, the client still gets it
			// whole.
			return serve(hit, meta, response, writer.tee(stored));
		}
		// The request lasts until the fill is over, even when its client needs less of
		// the body (a 304, a HEAD, a range).
		return Mono.when(serve(hit, meta, response, null), writer.drive(stored));
	}

	private Mono<Void> forwardOrProxy(ResponseHeader response, Flux<ByteBuf> body) {
		Mono<Void> forwarded = forward(response, body);
		if (forwarded != null) {
			return forwarded;
		}
		Flux<ByteBuf> filtered = this.request.downstreamBody(body);
		return Monos.then(this.proxy.responseFilter(this.session, response, this.ctx),
				() -> this.session.sendProxied(response, filtered));
	}

	private static CacheMeta indexOf(CacheMeta meta) {
		HttpHeaders vary = new DefaultHttpHeaders().set(HttpHeaderNames.VARY,
				meta.headers().getAll(HttpHeaderNames.VARY));
		return new CacheMeta(VARY_INDEX, CacheMeta.freeze(vary), meta.created(), meta.updated(), meta.initialAge(),
				meta.freshFor(), meta.staleWhileRevalidate(), meta.staleIfError());
	}

	/**
	 * The origin confirmed the stale response (304): its fields update the stored ones
	 * (RFC 9111 §4.3.4), and the stored body is served.
	 */
	private Mono<Void> revalidated(ResponseHeader notModified, Flux<ByteBuf> body, Storage.Hit stored) {
		body.subscribe(ByteBuf::release, (ex) -> {
		});
		CacheMeta old = stored.meta();
		HttpHeaders merged = Conditionals.merge(old.headers(), notModified.headers());
		ResponseHeader header = ResponseHeader.wrap(old.status(), HttpVersion.HTTP_1_1, merged);
		Cacheability decision;
		try {
			decision = this.proxy.responseCacheFilter(this.session, header, this.ctx);
		}
		catch (RuntimeException ex) {
			logger.warn("responseCacheFilter failed for {}", this.session.requestSummary(), ex);
			decision = Cacheability.uncacheable(NoCacheReason.INTERNAL_ERROR, ex.toString());
		}
		CacheMeta meta;
		if (decision instanceof Cacheability.Cacheable cacheable) {
			meta = old.revalidated(cacheable.meta());
			CacheKey key = this.staleKey;
			if (key != null) {
				this.config.storage().updateMeta(key, meta);
			}
			this.cache.phase = CachePhase.REVALIDATED;
			release(CacheLock.Status.DONE);
		}
		else {
			meta = new CacheMeta(old.status(), CacheMeta.freeze(merged), old.created(), old.updated(), old.initialAge(),
					old.freshFor(), old.staleWhileRevalidate(), old.staleIfError());
			this.cache.phase = CachePhase.REVALIDATED_NO_CACHE;
			release(CacheLock.Status.GIVE_UP);
		}
		this.cache.meta = meta;
		return serve(stored, meta, null);
	}

	private boolean mayServeStale(Storage.Hit stored, ProxyError error) {
		return !this.noStale && stored.meta().canServeStaleIfError(now())
				&& this.proxy.shouldServeStale(this.session, this.ctx, error);
	}

	/**
	 * The request failed after its retries: a stale response within its stale-if-error
	 * allowance is served instead, if nothing was written yet.
	 * @return the stale response, or {@code null} to fail as usual
	 */
	@Nullable Mono<Void> staleOnError(ProxyError error) {
		Storage.Hit stored = this.stale;
		if (stored == null || this.session.isResponseWritten() || !this.cache.isEnabled()
				|| !mayServeStale(stored, error)) {
			return null;
		}
		release(CacheLock.Status.TRANSIENT_ERROR);
		this.cache.phase = CachePhase.STALE;
		return serve(stored, stored.meta(), null);
	}

	/**
	 * Serve a stored response: {@code Age} when the origin was not asked, 304 for a
	 * matching conditional request, no body for {@code HEAD}, ranges.
	 * @param origin the origin's header for a response being stored, or {@code null} to
	 * serve the stored fields
	 */
	private Mono<Void> serve(Storage.Hit hit, CacheMeta meta, @Nullable ResponseHeader origin) {
		return serve(hit, meta, origin, null);
	}

	/**
	 * Serve a stored response.
	 * @param source the whole body as the origin sends it, through the fill, or
	 * {@code null} to read it from the storage
	 */
	private Mono<Void> serve(Storage.Hit hit, CacheMeta meta, @Nullable ResponseHeader origin,
			@Nullable Flux<ByteBuf> source) {
		if (this.session.isDetached()) {
			return Mono.empty();
		}
		ResponseHeader header = (origin != null) ? origin : ResponseHeader.wrap(meta.status(), HttpVersion.HTTP_1_1,
				new DefaultHttpHeaders().add(meta.headers()));
		HttpHeaders fields = header.headers();
		if (origin == null) {
			fields.set(HttpHeaderNames.AGE, Math.max(0, meta.age(now()).toSeconds()));
		}
		long length = CacheMeta.declaredLength(fields);
		if (length < 0 && hit.isComplete()) {
			length = hit.length();
			if (meta.status() != 204 && meta.status() != 304) {
				fields.set(HttpHeaderNames.CONTENT_LENGTH, length);
			}
		}
		Flux<ByteBuf> body;
		boolean head = HttpMethod.HEAD.equals(this.session.requestHeader().method());
		boolean whole = false;
		if (notModified(header)) {
			Conditionals.toNotModified(header);
			body = Flux.empty();
		}
		else if (length >= 0 && this.session.requestHeader().headers().contains(HttpHeaderNames.RANGE)) {
			body = ranged(hit, header, length, head);
		}
		else {
			whole = !head;
			body = head ? Flux.empty() : hit.body(0, -1);
		}
		if (source != null) {
			if (whole) {
				body = source;
			}
			else {
				// The client needs none of it: the fill still takes all of it.
				body = body.concatWith(source.doOnNext(ByteBuf::release).filter((chunk) -> false));
			}
		}
		markStatus(header);
		Flux<ByteBuf> filtered = this.request.responseBodyFiltered(body);
		return Monos.then(this.proxy.responseFilter(this.session, header, this.ctx),
				() -> this.session.sendProxied(header, filtered));
	}

	private boolean notModified(ResponseHeader header) {
		if (!Conditionals.isConditional(this.session.requestHeader())) {
			return false;
		}
		try {
			return this.proxy.cacheNotModifiedFilter(this.session, header, this.ctx);
		}
		catch (RuntimeException ex) {
			logger.warn("cacheNotModifiedFilter failed for {}", this.session.requestSummary(), ex);
			return false;
		}
	}

	private Flux<ByteBuf> ranged(Storage.Hit hit, ResponseHeader header, long length, boolean head) {
		ByteRanges.Result result;
		try {
			result = this.proxy.rangeHeaderFilter(this.session, header, length, this.ctx);
		}
		catch (RuntimeException ex) {
			logger.warn("rangeHeaderFilter failed for {}", this.session.requestSummary(), ex);
			result = new ByteRanges.Whole();
		}
		HttpHeaders fields = header.headers();
		if (result instanceof ByteRanges.Unsatisfiable) {
			header.setStatus(416);
			fields.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
			fields.set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + length);
			fields.remove(HttpHeaderNames.ACCEPT_RANGES);
			fields.remove(HttpHeaderNames.CONTENT_TYPE);
			fields.remove(HttpHeaderNames.CONTENT_ENCODING);
			return Flux.empty();
		}
		if (!(result instanceof ByteRanges.Partial partial)) {
			if (header.status() == 200) {
				fields.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
			}
			return head ? Flux.empty() : hit.body(0, -1);
		}
		header.setStatus(206);
		List<ByteRanges.Range> ranges = partial.ranges();
		if (ranges.size() == 1) {
			ByteRanges.Range range = ranges.get(0);
			fields.set(HttpHeaderNames.CONTENT_LENGTH, range.length());
			fields.set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(length));
			return head ? Flux.empty() : hit.body(range.first(), range.last() + 1);
		}
		String type = fields.get(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
		String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
		List<Flux<ByteBuf>> parts = new ArrayList<>(ranges.size() * 2 + 1);
		long total = 0;
		for (ByteRanges.Range range : ranges) {
			byte[] partHead = ("\r\n--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: "
					+ range.contentRange(length) + "\r\n\r\n")
				.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
			total += partHead.length + range.length();
			parts.add(Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(partHead))));
			parts.add(Flux.defer(() -> hit.body(range.first(), range.last() + 1)));
		}
		byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
		total += end.length;
		parts.add(Flux.defer(() -> Flux.just(Unpooled.wrappedBuffer(end))));
		fields.set(HttpHeaderNames.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
		fields.set(HttpHeaderNames.CONTENT_LENGTH, total);
		fields.remove(HttpHeaderNames.CONTENT_RANGE);
		return head ? Flux.empty() : Flux.concat(parts);
	}

	private void markStatus(ResponseHeader header) {
		String name = this.config.statusHeader();
		if (name != null) {
			header.headers().set(name, this.cache.phase.label());
		}
	}

	/**
	 * Answer a purge: the key's stored response (all its variants) goes.
	 */
	private Mono<Void> purge(CacheKey key) {
		PurgeStatus status;
		try {
			status = this.config.storage().purge(key.withVariance(null)) ? PurgeStatus.FOUND : PurgeStatus.NOT_FOUND;
		}
		catch (RuntimeException ex) {
			logger.warn("purge failed for {}", this.session.requestSummary(), ex);
			status = PurgeStatus.ERROR;
		}
		if (status == PurgeStatus.FOUND) {
			this.config.stats().purged();
		}
		return purgeResponse(this.request, status);
	}

	static <C> Mono<Void> purgeResponse(ProxyRequest<C> request, PurgeStatus status) {
		ResponseHeader header = ResponseHeader.of(status.status());
		header.headers()
			.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO)
			.set(HttpHeaderNames.CACHE_CONTROL, "private, no-store");
		Mono<Void> filter;
		try {
			filter = request.proxy.purgeResponseFilter(request.session, request.ctx, status, header);
		}
		catch (RuntimeException ex) {
			filter = Mono.error(ex);
		}
		return filter.then(Mono.defer(() -> request.session.respond(header))).onErrorResume((ex) -> {
			logger.warn("purgeResponseFilter failed for {}", request.session.requestSummary(), ex);
			return request.session.respondError(500);
		});
	}

	/**
	 * After an unsafe request the origin did not refuse, the stored responses of its
	 * target and of its {@code Location} and {@code Content-Location} on the same host go
	 * (RFC 9111 §4.4).
	 */
	private void invalidate(ResponseHeader response) {
		RequestHeader request = this.session.requestHeader();
		String host = request.host();
		String scheme = this.session.scheme();
		purgeQuietly(CacheKey.of(HttpMethod.GET, scheme, host, request.originForm()));
		for (CharSequence name : List.of(HttpHeaderNames.LOCATION, HttpHeaderNames.CONTENT_LOCATION)) {
			String target = response.header(name);
			String path = (target != null) ? sameOrigin(target, scheme, host) : null;
			if (path != null) {
				purgeQuietly(CacheKey.of(HttpMethod.GET, scheme, host, path));
			}
		}
	}

	private void purgeQuietly(CacheKey key) {
		try {
			this.config.storage().purge(key);
		}
		catch (RuntimeException ex) {
			logger.warn("invalidating {} failed", key, ex);
		}
	}

	private static @Nullable String sameOrigin(String target, String scheme, @Nullable String host) {
		String value = target.trim();
		if (value.startsWith("/")) {
			return value.startsWith("//") ? null : value;
		}
		String prefix = scheme + "://" + host;
		if (host != null && value.regionMatches(true, 0, prefix, 0, prefix.length())) {
			String rest = value.substring(prefix.length());
			return rest.isEmpty() ? "/" : (rest.startsWith("/") ? rest : null);
		}
		return null;
	}

	private void release(CacheLock.Status status) {
		CacheLock.WritePermit held = this.permit;
		if (held != null) {
			this.permit = null;
			held.release(status);
		}
	}

	/**
	 * The request is over: a lock still held is released (the writer failed), a fill
	 * still running is aborted, and the outcome is counted.
	 */
	void finish() {
		release(CacheLock.Status.TRANSIENT_ERROR);
		FillWriter writer = this.filling;
		if (writer != null && !fillsOnItsOwn()) {
			writer.abandon();
		}
		if (this.cache.config() != null) {
			this.config.stats().record(this.cache.phase);
		}
	}

	/**
	 * Whether a fill is still reading the origin's body into the storage on its own: it
	 * outlives the request's client (who may have gone), as in Pingora, so that the
	 * requests reading the same fill get the whole response.
	 */
	boolean fillsOnItsOwn() {
		FillWriter writer = this.filling;
		return writer != null && writer.driving != null && !writer.over;
	}

	private CacheKey keyOrThrow() {
		CacheKey key = this.cache.key;
		if (key == null) {
			throw new IllegalStateException("no cache key");
		}
		return key;
	}

	private Instant now() {
		return this.config.clock().instant();
	}

	private static boolean isSafe(HttpMethod method) {
		return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
				|| HttpMethod.TRACE.equals(method);
	}

	/**
	 * What a background refresh (stale-while-revalidate) starts with.
	 */
	record Background(Storage.Hit hit, CacheKey key, CacheLock.@Nullable WritePermit permit) {

		/**
		 * The refresh will not happen: its lock goes to whoever waits.
		 */
		void giveUp() {
			if (this.permit != null) {
				this.permit.release(CacheLock.Status.TRANSIENT_ERROR);
			}
		}

	}

	/**
	 * Writes the origin's body into the storage as it arrives: driven on its own (the
	 * client reads the storage) or as a tee on the client's way.
	 */
	private final class FillWriter {

		private final Storage.Fill fill;

		private final Sinks.Empty<Void> done = Sinks.empty();

		private volatile boolean over;

		private volatile @Nullable Disposable driving;

		FillWriter(Storage.Fill fill) {
			this.fill = fill;
		}

		/**
		 * Read the body into the storage, whoever reads it.
		 * @return completes when the fill is over
		 */
		Mono<Void> drive(Flux<ByteBuf> body) {
			this.driving = body.subscribe((chunk) -> {
				try {
					if (!write(chunk)) {
						// Nobody reads this body but the storage, which gave up on it.
						abandon();
					}
				}
				finally {
					chunk.release();
				}
			}, this::failed, this::completed);
			return this.done.asMono();
		}

		/**
		 * Copy the body into the storage as it passes.
		 */
		Flux<ByteBuf> tee(Flux<ByteBuf> body) {
			return body.doOnNext(this::write)
				.doOnComplete(this::completed)
				.doOnError(this::failed)
				.doOnCancel(this::abandon);
		}

		private boolean write(ByteBuf chunk) {
			if (this.over) {
				return false;
			}
			if (!this.fill.write(chunk)) {
				// The storage gave up on it (larger than it takes) and told its readers.
				this.over = true;
				notStoredAnyMore();
				return false;
			}
			return true;
		}

		private void completed() {
			if (!this.over) {
				this.over = true;
				this.fill.finish();
			}
			this.done.tryEmitEmpty();
		}

		private void failed(Throwable failure) {
			if (!this.over) {
				this.over = true;
				this.fill.abort(failure);
			}
			this.done.tryEmitError(failure);
		}

		void abandon() {
			if (!this.over) {
				this.over = true;
				this.fill.abort(new CancellationException("the request ended before the response was stored"));
			}
			Disposable subscription = this.driving;
			if (subscription != null) {
				subscription.dispose();
			}
			this.done.tryEmitEmpty();
		}

	}

}
