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

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.pingora.proxy.ProxyHttp;
import dev.pingora.time.Ticker;
import dev.pingora.upstream.Connector;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.resources.LoopResources;

/**
 * The HTTP proxy service: runs a {@link ProxyHttp} for every request of the client
 * connections it is installed on. A connection's pipeline holds an HTTP/1.1 server codec
 * named {@link #HTTP_CODEC}, then {@link #initConnection(Channel)} adds the engine's
 * handlers; {@code dev.pingora.server.Server} does that for every accepted connection.
 *
 * <p>
 * Pingora counterpart: {@code pingora_proxy::HttpProxy}.
 *
 * @param <C> the type of the per-request context
 * @since 0.1.0
 */
public final class HttpProxy<C> {

	/**
	 * The name of the HTTP codec in a client connection's pipeline.
	 */
	public static final String HTTP_CODEC = "pingora.httpCodec";

	static final AttributeKey<Long> ACCEPTED = AttributeKey.valueOf("pingora.accepted");

	private static final Logger logger = LoggerFactory.getLogger(HttpProxy.class);

	final ProxyHttp<C> proxy;

	final Connector connector;

	final Ticker ticker;

	final ProxySettings settings;

	final Phases phases;

	private final AtomicInteger inflight = new AtomicInteger();

	private final Sinks.Empty<Void> idle = Sinks.empty();

	private volatile boolean shuttingDown;

	/**
	 * Create the service.
	 * @param proxy the user's proxy logic
	 * @param connector the upstream connection pools
	 * @param ticker the source of time for timings
	 * @param settings the request path settings
	 */
	public HttpProxy(ProxyHttp<C> proxy, Connector connector, Ticker ticker, ProxySettings settings) {
		this.proxy = Objects.requireNonNull(proxy, "proxy");
		this.connector = Objects.requireNonNull(connector, "connector");
		this.ticker = Objects.requireNonNull(ticker, "ticker");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.phases = Phases.of(proxy);
	}

	/**
	 * Create the upstream connector the engine needs: its connections carry the engine's
	 * upstream handler (interim responses, request line).
	 * @param loops the event loops for upstream connections, or {@code null} for Reactor
	 * Netty's defaults
	 * @param maxConnectionsPerPeer the most connections per peer
	 * @return a new connector
	 */
	public static Connector newConnector(@Nullable LoopResources loops, int maxConnectionsPerPeer) {
		return new Connector(loops, maxConnectionsPerPeer, UpstreamChannelHandler::install);
	}

	/**
	 * Create the upstream connector the engine needs, with a customizer for new
	 * connections.
	 * @param loops the event loops of the server, or {@code null} for Reactor Netty's
	 * defaults
	 * @param maxConnectionsPerPeer the most pooled connections per peer
	 * @param connectionCustomizer applied to every new upstream connection after the
	 * engine set it up
	 * @return a new connector
	 */
	public static Connector newConnector(@Nullable LoopResources loops, int maxConnectionsPerPeer,
			Consumer<Channel> connectionCustomizer) {
		return new Connector(loops, maxConnectionsPerPeer, UpstreamChannelHandler::install, connectionCustomizer);
	}

	/**
	 * Install this service on a new client connection whose pipeline ends with the HTTP
	 * codec ({@link #HTTP_CODEC}): the request guard and the engine's handler are added
	 * after it, and the connection reads only when the engine asks.
	 * @param channel the client connection, not yet active or just accepted
	 */
	public void initConnection(Channel channel) {
		Objects.requireNonNull(channel, "channel");
		channel.attr(ACCEPTED).set(this.ticker.read());
		channel.pipeline().addLast(DownstreamGuard.NAME, new DownstreamGuard(this.settings));
		DownstreamHandler.install(channel, this);
	}

	/**
	 * Offer HTTP/2 in the clear (h2c) on a plain client connection set up by
	 * {@link #initConnection(Channel)}: a client that opens with the HTTP/2 connection
	 * preface (prior knowledge), or whose first request asks with {@code Upgrade: h2c},
	 * gets HTTP/2; any other HTTP/1.1.
	 * @param channel the client connection
	 * @param maxConcurrentStreams the most streams open at once
	 * @param initialWindowSize the flow-control window of a stream
	 * @param maxHeaderListSize the largest header list
	 */
	public void offerHttp2PriorKnowledge(Channel channel, int maxConcurrentStreams, int initialWindowSize,
			int maxHeaderListSize) {
		Http2Downstream.Http2Options options = new Http2Downstream.Http2Options(maxConcurrentStreams, initialWindowSize,
				maxHeaderListSize);
		channel.pipeline()
			.addBefore(HTTP_CODEC, Http2Downstream.PriorKnowledge.NAME,
					new Http2Downstream.PriorKnowledge(this, options));
		Http2Downstream.allowUpgrade(channel, options);
	}

	/**
	 * Turn a client connection set up by {@link #initConnection(Channel)} into an HTTP/2
	 * connection, after the client chose {@code h2} by ALPN: each stream is then a
	 * request through the phases.
	 * @param channel the client connection
	 * @param maxConcurrentStreams the most streams open at once
	 * @param initialWindowSize the flow-control window of a stream
	 * @param maxHeaderListSize the largest header list
	 */
	public void switchToHttp2(Channel channel, int maxConcurrentStreams, int initialWindowSize, int maxHeaderListSize) {
		Http2Downstream.switchTo(channel, this,
				new Http2Downstream.Http2Options(maxConcurrentStreams, initialWindowSize, maxHeaderListSize));
	}

	/**
	 * Close a client connection if no request is in progress on it.
	 * @param channel a client connection set up by {@link #initConnection(Channel)}
	 */
	public static void closeIfIdle(Channel channel) {
		DownstreamHandler.closeIfIdle(channel);
	}

	/**
	 * Run the phases for one request; the subscriber learns when they are over.
	 */
	void serve(DefaultSession session, CoreSubscriber<Void> exchange) {
		this.inflight.incrementAndGet();
		C ctx;
		try {
			ctx = this.proxy.newCtx();
		}
		catch (Throwable ex) {
			requestDone();
			logger.error("newCtx failed, answering 500", ex);
			session.respondError(500).subscribe(exchange);
			return;
		}
		new ProxyRequest<>(this, session, ctx).run().subscribe(exchange);
	}

	/**
	 * Run a subrequest that has no client (a background cache refresh); it counts as a
	 * request in progress.
	 */
	void serveDetached(ProxyRequest<C> subrequest) {
		this.inflight.incrementAndGet();
		subrequest.run().subscribe(null, (ex) -> logger.warn("background subrequest failed", ex));
	}

	/**
	 * Return the number of requests in progress.
	 * @return the number of requests between header and {@code logging}
	 */
	public int inflight() {
		return this.inflight.get();
	}

	/**
	 * Start shutting down: from now on responses close their connections.
	 */
	public void beginShutdown() {
		this.shuttingDown = true;
		if (this.inflight.get() == 0) {
			this.idle.tryEmitEmpty();
		}
	}

	/**
	 * Whether {@link #beginShutdown()} was called.
	 * @return {@code true} while shutting down
	 */
	public boolean isShuttingDown() {
		return this.shuttingDown;
	}

	/**
	 * Return a signal that completes once shutdown has begun and no request is in
	 * progress.
	 * @return completes when the service is idle
	 */
	public Mono<Void> whenIdle() {
		return Mono.defer(() -> (this.shuttingDown && this.inflight.get() == 0) ? Mono.empty() : this.idle.asMono());
	}

	void requestDone() {
		if (this.inflight.decrementAndGet() == 0 && this.shuttingDown) {
			this.idle.tryEmitEmpty();
		}
	}

}
