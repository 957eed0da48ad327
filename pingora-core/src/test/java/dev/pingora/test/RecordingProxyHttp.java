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

package dev.pingora.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import dev.pingora.error.ProxyError;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.proxy.BodyChunk;
import dev.pingora.proxy.FailToProxy;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.Session;
import dev.pingora.upstream.HttpPeer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A {@link ProxyHttp} that overrides every phase and records, per request, the order in
 * which the phases ran. Body phases are recorded once, at the end of the body.
 */
public class RecordingProxyHttp implements ProxyHttp<RecordingProxyHttp.Ctx> {

	private final BlockingQueue<Ctx> completed = new LinkedBlockingQueue<>();

	private final IntFunction<HttpPeer> peers;

	private volatile boolean retryConnectFailures;

	/**
	 * Create a proxy that sends attempt {@code n} (1-based) to {@code peers.apply(n)}.
	 */
	public RecordingProxyHttp(IntFunction<HttpPeer> peers) {
		this.peers = peers;
	}

	public RecordingProxyHttp retryConnectFailures() {
		this.retryConnectFailures = true;
		return this;
	}

	/**
	 * Wait for the next request to finish ({@code logging} ran).
	 */
	public Ctx next() throws InterruptedException {
		Ctx ctx = this.completed.poll(20, TimeUnit.SECONDS);
		if (ctx == null) {
			throw new AssertionError("no request reached logging within 20s");
		}
		return ctx;
	}

	public BlockingQueue<Ctx> completed() {
		return this.completed;
	}

	@Override
	public Ctx newCtx() {
		return new Ctx();
	}

	@Override
	public Mono<Void> earlyRequestFilter(Session session, Ctx ctx) {
		ctx.record("earlyRequestFilter");
		return Mono.empty();
	}

	@Override
	public Mono<Boolean> requestFilter(Session session, Ctx ctx) {
		ctx.record("requestFilter");
		if (session.requestHeader().header("x-short-circuit") != null) {
			ResponseHeader response = ResponseHeader.of(200).setHeader("x-answered-by", "requestFilter");
			return session
				.respond(response, Unpooled.copiedBuffer("from the filter", java.nio.charset.StandardCharsets.UTF_8))
				.thenReturn(true);
		}
		return Mono.just(false);
	}

	@Override
	public Duration requestBodyFilter(Session session, BodyChunk chunk, Ctx ctx) {
		if (chunk.isEndOfStream()) {
			ctx.record("requestBodyFilter");
		}
		return Duration.ZERO;
	}

	@Override
	public Mono<Boolean> proxyUpstreamFilter(Session session, Ctx ctx) {
		ctx.record("proxyUpstreamFilter");
		return Mono.just(true);
	}

	@Override
	public Mono<HttpPeer> upstreamPeer(Session session, Ctx ctx) {
		ctx.record("upstreamPeer");
		ctx.attempts++;
		return Mono.just(this.peers.apply(ctx.attempts));
	}

	@Override
	public Mono<Void> connectedToUpstream(Session session, boolean reused, HttpPeer peer, Ctx ctx) {
		ctx.record("connectedToUpstream");
		ctx.reused.add(reused);
		return Mono.empty();
	}

	@Override
	public ProxyError failToConnect(Session session, HttpPeer peer, Ctx ctx, ProxyError error) {
		ctx.record("failToConnect");
		return this.retryConnectFailures ? error.setRetry(true) : error;
	}

	@Override
	public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, Ctx ctx) {
		ctx.record("upstreamRequestFilter");
		return Mono.empty();
	}

	@Override
	public Mono<Void> upstreamResponseFilter(Session session, ResponseHeader upstreamResponse, Ctx ctx) {
		ctx.record("upstreamResponseFilter");
		return Mono.empty();
	}

	@Override
	public Duration upstreamResponseBodyFilter(Session session, BodyChunk chunk, Ctx ctx) {
		if (chunk.isEndOfStream()) {
			ctx.record("upstreamResponseBodyFilter");
		}
		return Duration.ZERO;
	}

	@Override
	public void upstreamResponseTrailerFilter(Session session, HttpHeaders trailers, Ctx ctx) {
		ctx.record("upstreamResponseTrailerFilter");
	}

	@Override
	public Mono<Void> responseFilter(Session session, ResponseHeader response, Ctx ctx) {
		ctx.record("responseFilter");
		return Mono.empty();
	}

	@Override
	public Duration responseBodyFilter(Session session, BodyChunk chunk, Ctx ctx) {
		if (chunk.isEndOfStream()) {
			ctx.record("responseBodyFilter");
		}
		return Duration.ZERO;
	}

	@Override
	public void responseTrailerFilter(Session session, HttpHeaders trailers, Ctx ctx) {
		ctx.record("responseTrailerFilter");
	}

	@Override
	public ProxyError errorWhileProxy(HttpPeer peer, Session session, ProxyError error, Ctx ctx, boolean clientReused) {
		ctx.record("errorWhileProxy");
		return ProxyHttp.super.errorWhileProxy(peer, session, error, ctx, clientReused);
	}

	@Override
	public Mono<FailToProxy> failToProxy(Session session, ProxyError error, Ctx ctx) {
		ctx.record("failToProxy");
		return ProxyHttp.super.failToProxy(session, error, ctx);
	}

	@Override
	public Mono<Void> logging(Session session, @Nullable ProxyError error, Ctx ctx) {
		ctx.record("logging");
		ctx.error = error;
		ctx.session = session;
		this.completed.add(ctx);
		return Mono.empty();
	}

	/**
	 * The per-request record.
	 */
	public static final class Ctx {

		public final List<String> phases = new CopyOnWriteArrayList<>();

		public final List<Boolean> reused = new CopyOnWriteArrayList<>();

		public volatile int attempts;

		public volatile @Nullable ProxyError error;

		public volatile @Nullable Session session;

		void record(String phase) {
			this.phases.add(phase);
		}

	}

}
