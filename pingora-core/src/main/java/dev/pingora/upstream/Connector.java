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

package dev.pingora.upstream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;
import reactor.netty.transport.NameResolverProvider;

import dev.pingora.error.ErrorType;
import dev.pingora.internal.Http2Codecs;
import dev.pingora.error.ProxyError;

/**
 * Connections to upstream peers: Netty channels with an HTTP/1.1 codec, pooled per peer
 * identity (address, TLS, SNI and {@link PeerOptions}) and per event loop.
 *
 * <p>
 * A request asks for a connection on its own event loop, and gets an idle one of that
 * loop if there is one, so a request and its upstream connection share a thread and the
 * pool needs no lock. Pools are LIFO: the connections that stay warm are the recently
 * used ones, and the rest age out after the peer's idle timeout (a sweep per loop and
 * peer closes them). An idle timeout of zero disables pooling for the peer. A
 * {@code fresh} connection is opened outside the pool and closed after its exchange;
 * retries use one so that they cannot run into another stale pooled connection.
 *
 * <p>
 * Each peer has at most {@code maxConnectionsPerPeer} pooled connections, in use and
 * idle, over all loops; a request beyond that waits for one to be released or closed, at
 * most the peer's connection timeout plus 30 seconds, and then fails with
 * {@link ErrorType#CONNECT_TIMEDOUT}.
 *
 * <p>
 * A connection whose exchange switched protocols (101) leaves the pool: the engine
 * tunnels it and closes it at the end.
 *
 * <p>
 * Pingora counterpart: {@code pingora_core::connectors::TransportConnector} and
 * {@code pingora_pool}.
 *
 * @since 0.1.0
 */
public final class Connector implements AutoCloseable {

	/** Default most connections per peer, in use and idle together. */
	public static final int DEFAULT_MAX_CONNECTIONS_PER_PEER = 2048;

	/** Name of the HTTP codec in an upstream connection's pipeline. */
	public static final String HTTP_CODEC = "pingora.httpCodec";

	private static final String HTTP2_CODEC = "pingora.h2";

	private static final String HTTP2_STREAMS = "pingora.h2.streams";

	/** Largest response header section accepted from an upstream, in bytes. */
	static final int MAX_HEADER_SIZE = 64 * 1024;

	private static final AttributeKey<PeerPool> POOL = AttributeKey.valueOf("pingora.pool");

	private static final AttributeKey<AtomicInteger> STREAMS = AttributeKey.valueOf("pingora.h2.streams");

	private final LoopResources loops;

	private final int maxConnectionsPerPeer;

	private volatile int http2MaxStreams = 100;

	private final Consumer<Channel> channelInitializer;

	private final Consumer<Channel> connectionCustomizer;

	private final Map<HttpPeer, PeerPool> pools = new ConcurrentHashMap<>();

	private final AddressResolverGroup<?> resolver;

	private volatile boolean closed;

	/**
	 * Create a connector.
	 * @param loops the event loops of the server, used for name resolution and to pick
	 * the channel types; {@code null} for Reactor Netty's default loops
	 * @param maxConnectionsPerPeer the most pooled connections per peer; requests beyond
	 * it wait for a connection
	 * @param channelInitializer called for every new upstream connection after its HTTP
	 * codec is in place (the engine's own handler)
	 */
	public Connector(@Nullable LoopResources loops, int maxConnectionsPerPeer, Consumer<Channel> channelInitializer) {
		this(loops, maxConnectionsPerPeer, channelInitializer, (channel) -> {
		});
	}

	/**
	 * Create a connector with a customizer for new connections.
	 * @param loops the event loops of the server, or {@code null} for Reactor Netty's
	 * default loops
	 * @param maxConnectionsPerPeer the most pooled connections per peer
	 * @param channelInitializer called for every new upstream connection after its HTTP
	 * codec is in place (the engine's own handler)
	 * @param connectionCustomizer called for every new upstream connection after the
	 * engine set it up, WebSocket connections included
	 */
	public Connector(@Nullable LoopResources loops, int maxConnectionsPerPeer, Consumer<Channel> channelInitializer,
			Consumer<Channel> connectionCustomizer) {
		if (maxConnectionsPerPeer < 1) {
			throw new IllegalArgumentException("maxConnectionsPerPeer: " + maxConnectionsPerPeer + " (expected: >= 1)");
		}
		this.loops = (loops != null) ? loops : HttpResources.get();
		this.maxConnectionsPerPeer = maxConnectionsPerPeer;
		this.channelInitializer = Objects.requireNonNull(channelInitializer, "channelInitializer");
		this.connectionCustomizer = Objects.requireNonNull(connectionCustomizer, "connectionCustomizer");
		this.resolver = NameResolverProvider.builder().build().newNameResolverGroup(this.loops, true);
	}

	/**
	 * Get a connection to a peer, on the given event loop if a new one is opened. The
	 * callback runs on the connection's event loop, exactly once, unless the returned
	 * handle is cancelled first; a connection acquired after a cancel goes back to the
	 * pool.
	 * @param peer the peer
	 * @param loop the event loop of the requester
	 * @param fresh {@code true} for a new connection outside the pool
	 * @param callback what to do with the connection, or with the failure
	 * @return a handle to give up waiting
	 */
	public Acquisition acquire(HttpPeer peer, EventLoop loop, boolean fresh, Callback callback) {
		Objects.requireNonNull(peer, "peer");
		Acquisition acquisition = new Acquisition(this, callback);
		if (this.closed) {
			acquisition.fail(ProxyError.internal("the connector is closed", null));
			return acquisition;
		}
		if (loop.inEventLoop()) {
			acquire(peer, loop, fresh, acquisition);
		}
		else {
			loop.execute(() -> acquire(peer, loop, fresh, acquisition));
		}
		return acquisition;
	}

	private void acquire(HttpPeer peer, EventLoop loop, boolean fresh, Acquisition acquisition) {
		PeerPool pool = this.pools.get(peer);
		if (pool == null) {
			pool = this.pools.computeIfAbsent(peer, PeerPool::new);
		}
		if (peer.isTls() && pool.tls == null) {
			prepareTls(pool, loop, () -> acquire(peer, loop, fresh, acquisition), acquisition);
			return;
		}
		if (pool.http2 && !pool.http1Fallback) {
			acquireStream(pool, loop, acquisition);
			return;
		}
		if (fresh || !pool.pooling) {
			connect(pool, loop, false, acquisition);
			return;
		}
		ArrayDeque<Channel> idle = pool.idle(loop);
		Channel channel;
		while ((channel = idle.pollLast()) != null) {
			if (channel.isActive()) {
				acquisition.complete(channel, true);
				return;
			}
		}
		if (pool.open.incrementAndGet() > this.maxConnectionsPerPeer) {
			pool.open.decrementAndGet();
			waitForConnection(pool, loop, acquisition);
			return;
		}
		connect(pool, loop, true, acquisition);
	}

	/**
	 * Creating a TLS context reads files and seeds a random source: never on an event
	 * loop.
	 */
	private void prepareTls(PeerPool pool, EventLoop loop, Runnable then, Acquisition acquisition) {
		Mono.fromCallable(() -> PeerTls.sslContext(pool.peer))
			.subscribeOn(Schedulers.boundedElastic())
			.subscribe((context) -> {
				pool.tls = context;
				loop.execute(then);
			}, (ex) -> loop.execute(() -> acquisition.fail(ex)));
	}

	/**
	 * An HTTP/2 peer: a new stream on a connection that has room for one, or on a new
	 * connection. Streams are not pooled; connections stay open while the peer keeps
	 * them.
	 */
	private void acquireStream(PeerPool pool, EventLoop loop, Acquisition acquisition) {
		for (Channel connection : pool.http2Connections) {
			if (hasRoom(connection)) {
				openStream(connection, acquisition, true);
				return;
			}
		}
		io.netty.util.concurrent.Future<Void> pending = pool.http2Connecting;
		if (pending != null && !pending.isDone()) {
			pending.addListener((future) -> loop.execute(() -> {
				if (future.isSuccess() || pool.http1Fallback) {
					acquire(pool.peer, loop, false, acquisition);
				}
				else {
					acquisition.fail(future.cause());
				}
			}));
			return;
		}
		io.netty.util.concurrent.Promise<Void> connected = loop.newPromise();
		pool.http2Connecting = connected;
		Acquisition connecting = new Acquisition(this, new Callback() {
			@Override
			public void acquired(Channel connection, boolean reused) {
				SslHandler tls = connection.pipeline().get(SslHandler.class);
				if (tls != null && !"h2".equals(tls.applicationProtocol())) {
					// The peer chose HTTP/1.1: from now on it gets HTTP/1.1 connections.
					pool.http1Fallback = true;
					connection.close();
					connected.setFailure(new IllegalStateException("peer " + pool.peer + " refused HTTP/2"));
					acquire(pool.peer, loop, false, acquisition);
					return;
				}
				pool.http2Connections.add(connection);
				connection.closeFuture().addListener((future) -> pool.http2Connections.remove(connection));
				connected.setSuccess(null);
				openStream(connection, acquisition, false);
			}

			@Override
			public void failed(Throwable error) {
				connected.tryFailure(error);
				acquisition.fail(error);
			}
		});
		connect(pool, loop, false, connecting);
	}

	private boolean hasRoom(Channel connection) {
		if (!connection.isActive()) {
			return false;
		}
		Http2FrameCodec codec = connection.pipeline().get(Http2FrameCodec.class);
		return codec != null && !codec.connection().goAwayReceived() && codec.connection().local().canOpenStream()
				&& streams(connection).get() < this.http2MaxStreams;
	}

	/**
	 * Set how many requests at most share one HTTP/2 upstream connection (the peer's
	 * {@code MAX_CONCURRENT_STREAMS} may lower it); more open another connection. Set it
	 * before the connector is used.
	 * @param max at least 1 (default 100)
	 * @return this connector
	 */
	public Connector http2MaxStreamsPerConnection(int max) {
		if (max < 1) {
			throw new IllegalArgumentException("http2MaxStreamsPerConnection: " + max + " (expected: >= 1)");
		}
		this.http2MaxStreams = max;
		return this;
	}

	/**
	 * The streams this connector has open on an HTTP/2 connection, counted from the
	 * moment one is asked for (before its HEADERS frame makes it active).
	 */
	private static AtomicInteger streams(Channel connection) {
		return Objects.requireNonNull(connection.attr(STREAMS).get(), "not an HTTP/2 connection");
	}

	private void openStream(Channel connection, Acquisition acquisition, boolean reused) {
		AtomicInteger open = streams(connection);
		open.incrementAndGet();
		new Http2StreamChannelBootstrap(connection).option(ChannelOption.AUTO_READ, false)
			.handler(new ChannelInitializer<Http2StreamChannel>() {
				@Override
				protected void initChannel(Http2StreamChannel stream) {
					stream.pipeline().addLast(HTTP_CODEC, new Http2StreamFrameToHttpObjectCodec(false));
					Connector.this.channelInitializer.accept(stream);
				}
			})
			.open()
			.addListener((io.netty.util.concurrent.Future<Http2StreamChannel> opened) -> {
				if (opened.isSuccess()) {
					opened.getNow().closeFuture().addListener((closed) -> open.decrementAndGet());
					acquisition.complete(opened.getNow(), reused);
				}
				else {
					open.decrementAndGet();
					acquisition.fail(opened.cause());
				}
			});
	}

	private void connect(PeerPool pool, EventLoop loop, boolean pooled, Acquisition acquisition) {
		HttpPeer peer = pool.peer;
		PeerOptions options = peer.options();
		boolean unix = peer.address() instanceof DomainSocketAddress;
		Bootstrap bootstrap = new Bootstrap().group(loop);
		if (unix) {
			// Reactor Netty resolves domain socket channels by instance only.
			bootstrap.channelFactory(() -> this.loops.onChannel(DomainSocketChannel.class, loop));
		}
		else {
			bootstrap.channel(this.loops.onChannelClass(SocketChannel.class, loop));
		}
		// The engine reads when it wants data (back-pressure by read demand).
		bootstrap.option(ChannelOption.AUTO_READ, false);
		bootstrap.resolver(this.resolver).handler(new ChannelInitializer<>() {
			@Override
			protected void initChannel(Channel channel) {
				initConnection(channel, pool);
			}
		});
		if (!unix) {
			bootstrap.option(ChannelOption.TCP_NODELAY, true);
			TcpKeepalive keepalive = options.tcpKeepalive();
			if (keepalive != null) {
				bootstrap.option(ChannelOption.SO_KEEPALIVE, true);
				if (Epoll.isAvailable()) {
					bootstrap.option(EpollChannelOption.TCP_KEEPIDLE, (int) keepalive.idle().getSeconds())
						.option(EpollChannelOption.TCP_KEEPINTVL, (int) keepalive.interval().getSeconds())
						.option(EpollChannelOption.TCP_KEEPCNT, keepalive.count());
				}
			}
		}
		Duration connectTimeout = options.connectionTimeout();
		if (connectTimeout != null) {
			bootstrap.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis())));
		}
		ChannelFuture connecting = bootstrap.connect(peer.address());
		Channel channel = connecting.channel();
		if (pooled) {
			channel.attr(POOL).set(pool);
			channel.closeFuture().addListener((future) -> closed(pool, channel));
		}
		acquisition.connecting(channel);
		Duration budget = options.totalConnectionTimeout();
		ScheduledFuture<?> deadline = (budget != null) ? loop.schedule(() -> {
			acquisition.fail(ProxyError.upstream(ErrorType.CONNECT_TIMEDOUT,
					"peer " + peer + ", no connection within " + budget.toMillis() + " ms", null));
			channel.close();
		}, budget.toNanos(), TimeUnit.NANOSECONDS) : null;
		connecting.addListener((ChannelFuture future) -> {
			if (!future.isSuccess()) {
				cancel(deadline);
				acquisition.fail(future.cause());
				return;
			}
			SslHandler tls = channel.pipeline().get(SslHandler.class);
			if (tls == null) {
				cancel(deadline);
				acquisition.complete(channel, false);
				return;
			}
			tls.handshakeFuture().addListener((handshake) -> {
				cancel(deadline);
				if (handshake.isSuccess()) {
					acquisition.complete(channel, false);
				}
				else {
					channel.close();
					acquisition.fail(handshake.cause());
				}
			});
		});
	}

	private static void cancel(@Nullable ScheduledFuture<?> deadline) {
		if (deadline != null) {
			deadline.cancel(false);
		}
	}

	private void initConnection(Channel channel, PeerPool pool) {
		HttpPeer peer = pool.peer;
		ChannelPipeline pipeline = channel.pipeline();
		SslContext tls = pool.tls;
		if (peer.isTls() && tls != null) {
			pipeline.addLast("pingora.tls", PeerTls.newHandler(peer, tls, channel.alloc()));
		}
		Duration write = peer.options().writeTimeout();
		if (write != null) {
			pipeline.addLast("pingora.writeTimeout", new WriteTimeoutHandler(write.toMillis(), TimeUnit.MILLISECONDS));
		}
		if (pool.http2 && !pool.http1Fallback) {
			// One connection, many streams: the connection reads all the time, each
			// stream
			// channel when its exchange asks.
			Http2Settings settings = Http2Settings.defaultSettings().pushEnabled(false).initialWindowSize(1024 * 1024);
			pipeline.addLast(Http2Codecs.FLUSHES, Http2Codecs.consolidatedFlushes());
			pipeline.addLast(HTTP2_CODEC,
					Http2Codecs.coarseDataFrames(Http2FrameCodecBuilder.forClient().initialSettings(settings).build()));
			pipeline.addLast(HTTP2_STREAMS, new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
			channel.attr(STREAMS).set(new AtomicInteger());
			channel.config().setAutoRead(true);
			this.connectionCustomizer.accept(channel);
			return;
		}
		pipeline.addLast(HTTP_CODEC, new HttpClientCodec(4096, MAX_HEADER_SIZE, 64 * 1024, false));
		this.channelInitializer.accept(channel);
		this.connectionCustomizer.accept(channel);
	}

	/**
	 * Give a connection back after a complete exchange, to the pool if it came from there
	 * (or straight to a request waiting for one), closed otherwise.
	 * @param channel the connection
	 */
	public void release(Channel channel) {
		if (!channel.eventLoop().inEventLoop()) {
			channel.eventLoop().execute(() -> release(channel));
			return;
		}
		PeerPool pool = channel.attr(POOL).get();
		if (pool == null || !channel.isActive() || this.closed) {
			channel.close();
			return;
		}
		Waiter waiter;
		while ((waiter = pool.waiters.poll()) != null) {
			if (waiter.claim()) {
				waiter.acquisition.complete(channel, true);
				return;
			}
		}
		pool.idle(channel.eventLoop()).addLast(channel);
		pool.idleSince(channel, System.nanoTime());
		// A read pending while idle notices the origin closing the connection.
		channel.read();
	}

	private void closed(PeerPool pool, Channel channel) {
		pool.open.decrementAndGet();
		ArrayDeque<Channel> idle = pool.existingIdle(channel.eventLoop());
		if (idle != null) {
			idle.remove(channel);
		}
		dispatchWaiters(pool);
	}

	private void waitForConnection(PeerPool pool, EventLoop loop, Acquisition acquisition) {
		Duration connect = pool.peer.options().connectionTimeout();
		Duration timeout = (connect != null) ? connect.plusSeconds(30) : Duration.ofSeconds(60);
		Waiter waiter = new Waiter(loop, acquisition);
		waiter.timeout = loop.schedule(() -> {
			if (waiter.claim()) {
				acquisition.fail(new ConnectTimeoutException("no free connection to peer " + pool.peer + " within "
						+ timeout.toMillis() + " ms (at most " + this.maxConnectionsPerPeer + " per peer)"));
			}
		}, timeout.toNanos(), TimeUnit.NANOSECONDS);
		pool.waiters.add(waiter);
		// A connection may have closed between the count and the queue.
		dispatchWaiters(pool);
	}

	private void dispatchWaiters(PeerPool pool) {
		while (!pool.waiters.isEmpty()) {
			if (pool.open.incrementAndGet() > this.maxConnectionsPerPeer) {
				pool.open.decrementAndGet();
				return;
			}
			Waiter waiter = pool.waiters.poll();
			if (waiter == null || !waiter.claim()) {
				pool.open.decrementAndGet();
				continue;
			}
			waiter.loop.execute(() -> connect(pool, waiter.loop, true, waiter.acquisition));
		}
	}

	/**
	 * Return the number of peers the connector knows.
	 * @return the number of peers
	 */
	public int peers() {
		return this.pools.size();
	}

	/**
	 * Return the number of pooled connections to a peer, in use and idle.
	 * @param peer the peer
	 * @return the number of open pooled connections
	 */
	public int openConnections(HttpPeer peer) {
		PeerPool pool = this.pools.get(peer);
		return (pool != null) ? pool.open.get() : 0;
	}

	/**
	 * Close every idle connection and forget every peer; connections in use close when
	 * their exchange ends.
	 */
	@Override
	public void close() {
		this.closed = true;
		for (PeerPool pool : this.pools.values()) {
			pool.close();
		}
		this.pools.clear();
	}

	/**
	 * What to do with an acquired connection.
	 */
	public interface Callback {

		/**
		 * The connection is ready: connected, TLS handshake done.
		 * @param channel the connection
		 * @param reused whether it carried a request before
		 */
		void acquired(Channel channel, boolean reused);

		/**
		 * No connection could be had.
		 * @param error why
		 */
		void failed(Throwable error);

	}

	/**
	 * A request for a connection in progress.
	 */
	public static final class Acquisition {

		private final Connector connector;

		private final Callback callback;

		private final AtomicBoolean done = new AtomicBoolean();

		private volatile @Nullable Channel connecting;

		Acquisition(Connector connector, Callback callback) {
			this.connector = connector;
			this.callback = callback;
		}

		void connecting(Channel channel) {
			this.connecting = channel;
		}

		void complete(Channel channel, boolean reused) {
			if (this.done.compareAndSet(false, true)) {
				this.callback.acquired(channel, reused);
			}
			else {
				this.connector.release(channel);
			}
		}

		void fail(Throwable error) {
			if (this.done.compareAndSet(false, true)) {
				this.callback.failed(error);
			}
		}

		/**
		 * Give up: no callback runs after this; a connection still being opened is
		 * closed, one acquired later goes back to the pool.
		 */
		public void cancel() {
			if (this.done.compareAndSet(false, true)) {
				Channel channel = this.connecting;
				if (channel != null && !channel.isActive()) {
					channel.close();
				}
			}
		}

	}

	private static final class Waiter {

		final EventLoop loop;

		final Acquisition acquisition;

		private final AtomicBoolean claimed = new AtomicBoolean();

		volatile @Nullable ScheduledFuture<?> timeout;

		Waiter(EventLoop loop, Acquisition acquisition) {
			this.loop = loop;
			this.acquisition = acquisition;
		}

		boolean claim() {
			if (!this.claimed.compareAndSet(false, true)) {
				return false;
			}
			ScheduledFuture<?> pending = this.timeout;
			if (pending != null) {
				pending.cancel(false);
			}
			return true;
		}

	}

	/**
	 * The connections of one peer: a count over all loops, the requests waiting, and an
	 * idle deque per event loop that only that loop touches.
	 */
	private static final class PeerPool {

		private static final AttributeKey<long[]> IDLE_SINCE = AttributeKey.valueOf("pingora.idleSince");

		final HttpPeer peer;

		final boolean pooling;

		final long idleNanos;

		final AtomicInteger open = new AtomicInteger();

		final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

		private final Map<EventLoop, LoopIdle> idle = new ConcurrentHashMap<>();

		volatile @Nullable SslContext tls;

		/**
		 * Whether the peer gets HTTP/2: {@link Alpn#H2}, or {@link Alpn#H2_H1} over TLS.
		 */
		final boolean http2;

		volatile boolean http1Fallback;

		final java.util.List<Channel> http2Connections = new java.util.concurrent.CopyOnWriteArrayList<>();

		volatile io.netty.util.concurrent.@Nullable Future<Void> http2Connecting;

		PeerPool(HttpPeer peer) {
			this.peer = peer;
			Alpn alpn = peer.options().alpn();
			this.http2 = alpn == Alpn.H2 || (alpn == Alpn.H2_H1 && peer.isTls());
			Duration timeout = peer.options().idleTimeout();
			this.pooling = !timeout.isZero();
			this.idleNanos = timeout.toNanos();
		}

		ArrayDeque<Channel> idle(EventLoop loop) {
			LoopIdle local = this.idle.get(loop);
			if (local == null) {
				local = new LoopIdle(this, loop);
				this.idle.put(loop, local);
			}
			return local.channels;
		}

		@Nullable ArrayDeque<Channel> existingIdle(EventLoop loop) {
			LoopIdle local = this.idle.get(loop);
			return (local != null) ? local.channels : null;
		}

		void idleSince(Channel channel, long nanos) {
			long[] since = channel.attr(IDLE_SINCE).get();
			if (since == null) {
				since = new long[1];
				channel.attr(IDLE_SINCE).set(since);
			}
			since[0] = nanos;
		}

		long idleSince(Channel channel) {
			long[] since = channel.attr(IDLE_SINCE).get();
			return (since != null) ? since[0] : 0;
		}

		void close() {
			for (LoopIdle local : this.idle.values()) {
				local.loop.execute(local::close);
			}
			for (Channel connection : this.http2Connections) {
				connection.close();
			}
			Waiter waiter;
			while ((waiter = this.waiters.poll()) != null) {
				if (waiter.claim()) {
					waiter.acquisition.fail(ProxyError.internal("the connector is closed", null));
				}
			}
		}

	}

	/**
	 * The idle connections of one peer on one event loop, swept for the idle timeout.
	 */
	private static final class LoopIdle {

		final PeerPool pool;

		final EventLoop loop;

		final ArrayDeque<Channel> channels = new ArrayDeque<>();

		private final ScheduledFuture<?> sweep;

		LoopIdle(PeerPool pool, EventLoop loop) {
			this.pool = pool;
			this.loop = loop;
			long interval = sweepInterval(pool.idleNanos);
			this.sweep = loop.scheduleWithFixedDelay(this::sweep, interval, interval, TimeUnit.NANOSECONDS);
		}

		/** Oldest first: the deque is LIFO, so expired connections sit at its head. */
		private void sweep() {
			long now = System.nanoTime();
			Channel oldest;
			while ((oldest = this.channels.peekFirst()) != null
					&& now - this.pool.idleSince(oldest) >= this.pool.idleNanos) {
				this.channels.pollFirst();
				oldest.close();
			}
		}

		void close() {
			this.sweep.cancel(false);
			Channel channel;
			while ((channel = this.channels.pollFirst()) != null) {
				channel.close();
			}
		}

		private static long sweepInterval(long idleNanos) {
			long quarter = idleNanos / 4;
			return Math.max(TimeUnit.MILLISECONDS.toNanos(50), Math.min(TimeUnit.SECONDS.toNanos(15), quarter));
		}

	}

}
