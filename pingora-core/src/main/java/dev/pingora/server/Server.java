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

package dev.pingora.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import dev.pingora.proxy.ProxyHttp;
import dev.pingora.proxy.engine.HttpProxy;
import dev.pingora.proxy.engine.ProxySettings;
import dev.pingora.time.Ticker;
import dev.pingora.upstream.Connector;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * A running proxy: one {@link ProxyHttp} served on one or more listeners, with its own
 * event loops and upstream connection pools, and a graceful shutdown.
 *
 * <pre class="code">
 * Server server = Server.builder()
 *     .listen(Listener.tcp(8080))
 *     .proxy(new MyProxy())
 *     .build()
 *     .start();
 * server.awaitTermination();
 * </pre>
 *
 * <p>
 * {@link #shutdown()} stops accepting connections, closes idle client connections, lets
 * requests in progress finish within the {@link ServerConf#gracePeriod() grace period}
 * (their responses carry {@code Connection: close}), then closes what is left.
 *
 * <p>
 * Pingora counterpart: {@code pingora_core::server::Server} with one
 * {@code http_proxy_service}.
 *
 * @since 0.1.0
 */
public final class Server implements AutoCloseable {

	/**
	 * The name of the TLS handler in a client connection's pipeline, on listeners with
	 * TLS: an {@code SniHandler} that becomes an {@code SslHandler} after the client's
	 * hello.
	 */
	public static final String TLS_HANDLER = "pingora.tls";

	private static final String ALPN_HANDLER = "pingora.alpn";

	private static final Logger logger = LoggerFactory.getLogger(Server.class);

	private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(30);

	private final ServerConf conf;

	private final List<Listener> listeners;

	private final ProxyHttp<?> proxy;

	private final Ticker ticker;

	private final Consumer<Channel> downstreamCustomizer;

	private final Consumer<Channel> connectionCustomizer;

	private final List<BackgroundService> services;

	private final CountDownLatch terminated = new CountDownLatch(1);

	private final List<Channel> bound = new ArrayList<>();

	private @Nullable LoopResources loops;

	private @Nullable Connector connector;

	private @Nullable HttpProxy<?> service;

	private @Nullable ChannelGroup channels;

	private volatile State state = State.NEW;

	private volatile List<SocketAddress> addresses = List.of();

	private Server(Builder builder) {
		this.conf = builder.conf;
		this.listeners = List.copyOf(builder.listeners);
		this.proxy = Objects.requireNonNull(builder.proxy, "proxy");
		this.ticker = builder.ticker;
		this.downstreamCustomizer = builder.downstreamCustomizer;
		this.connectionCustomizer = builder.connectionCustomizer;
		this.services = List.copyOf(builder.services);
	}

	/**
	 * Start building a server.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Bind every listener and start serving. If a listener cannot bind (its port is
	 * taken, say), the listeners bound so far are closed and an exception names the
	 * listener.
	 * @return this server
	 * @throws IllegalStateException if the server was started before or a listener cannot
	 * bind
	 */
	public synchronized Server start() {
		if (this.state != State.NEW) {
			throw new IllegalStateException("server: " + this.state.name().toLowerCase() + " (expected: new)");
		}
		LoopResources eventLoops = LoopResources.create("pingora", this.conf.threads(), true);
		Connector upstreams = HttpProxy
			.newConnector(eventLoops, this.conf.maxConnectionsPerPeer(), this.connectionCustomizer)
			.http2MaxStreamsPerConnection(this.conf.http2UpstreamMaxStreams());
		HttpProxy<?> proxyService = newService(upstreams);
		ChannelGroup group = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
		this.loops = eventLoops;
		this.connector = upstreams;
		this.service = proxyService;
		this.channels = group;
		startServices();
		try {
			for (int i = 0; i < this.listeners.size(); i++) {
				this.bound.add(bind(this.listeners.get(i), i, eventLoops, proxyService, group));
			}
		}
		catch (RuntimeException ex) {
			closeNow();
			stopServices();
			this.state = State.TERMINATED;
			this.terminated.countDown();
			throw ex;
		}
		List<SocketAddress> bound = new ArrayList<>(this.bound.size());
		this.bound.forEach((server) -> bound.add(server.localAddress()));
		this.addresses = List.copyOf(bound);
		this.state = State.RUNNING;
		if (logger.isInfoEnabled()) {
			logger.info("Pingora proxy listening on {}", boundAddresses());
		}
		return this;
	}

	/**
	 * Return the configured listeners.
	 * @return the listeners, in the order they were added
	 */
	public List<Listener> listeners() {
		return this.listeners;
	}

	/**
	 * Return the server settings.
	 * @return the settings
	 */
	public ServerConf conf() {
		return this.conf;
	}

	/**
	 * Return the addresses the server listens on, in listener order.
	 * @return the bound addresses
	 */
	public List<SocketAddress> boundAddresses() {
		return this.addresses;
	}

	/**
	 * Return the port of the first TCP listener, useful when it was bound to port 0.
	 * @return the port
	 * @throws IllegalStateException if the server has no bound TCP listener
	 */
	public int port() {
		for (SocketAddress address : this.addresses) {
			if (address instanceof java.net.InetSocketAddress inet) {
				return inet.getPort();
			}
		}
		throw new IllegalStateException("server: no TCP listener is bound");
	}

	/**
	 * Return the number of requests in progress.
	 * @return the number of requests
	 */
	public int inflight() {
		HttpProxy<?> proxyService = this.service;
		return (proxyService != null) ? proxyService.inflight() : 0;
	}

	/**
	 * Whether the server is serving requests.
	 * @return {@code true} between {@link #start()} and {@link #shutdown()}
	 */
	public boolean isRunning() {
		return this.state == State.RUNNING;
	}

	/**
	 * Shut down gracefully within the configured grace period. Blocks until done; call it
	 * from an application thread, never from an event loop.
	 */
	public void shutdown() {
		shutdown(this.conf.gracePeriod());
	}

	/**
	 * Shut down gracefully within the given grace period. Blocks until done.
	 * @param gracePeriod how long requests in progress may take to finish
	 */
	public void shutdown(Duration gracePeriod) {
		Objects.requireNonNull(gracePeriod, "gracePeriod");
		HttpProxy<?> proxyService;
		synchronized (this) {
			if (this.state == State.NEW) {
				return;
			}
			if (this.state != State.RUNNING) {
				// Another thread is shutting down: return when it is done.
				awaitQuietly();
				return;
			}
			this.state = State.STOPPING;
			proxyService = Objects.requireNonNull(this.service);
		}
		logger.info("Pingora proxy shutting down, {} request(s) in progress, grace period {}", proxyService.inflight(),
				gracePeriod);
		proxyService.beginShutdown();
		this.bound.forEach(Channel::close);
		closeIdleConnections();
		try {
			proxyService.whenIdle().block(gracePeriod);
		}
		catch (IllegalStateException ex) {
			logger.warn("Grace period {} over with {} request(s) in progress; closing their connections", gracePeriod,
					proxyService.inflight());
		}
		closeNow();
		stopServices();
		this.addresses = List.of();
		this.state = State.TERMINATED;
		this.terminated.countDown();
		logger.info("Pingora proxy stopped");
	}

	/**
	 * Block until the server has shut down.
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	public void awaitTermination() throws InterruptedException {
		this.terminated.await();
	}

	private void awaitQuietly() {
		try {
			this.terminated.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Shut down gracefully; the same as {@link #shutdown()}.
	 */
	@Override
	public void close() {
		shutdown();
	}

	/**
	 * Return the background services.
	 * @return the services, in the order they were added
	 */
	public List<BackgroundService> backgroundServices() {
		return this.services;
	}

	private void startServices() {
		// All at once, each one waited for up to the same deadline: ten services whose
		// discovery hangs delay the start by the timeout once, not ten times.
		List<Mono<Void>> starts = new ArrayList<>();
		for (BackgroundService backgroundService : this.services) {
			starts.add(Mono.defer(backgroundService::start).timeout(SERVICE_START_TIMEOUT).onErrorResume((ex) -> {
				logger.warn("Background service {} not ready after {}, serving anyway: {}", backgroundService.name(),
						SERVICE_START_TIMEOUT, ex.toString());
				return Mono.empty();
			}));
		}
		Mono.when(starts).block();
	}

	private void stopServices() {
		for (BackgroundService backgroundService : this.services) {
			try {
				backgroundService.stop();
			}
			catch (RuntimeException ex) {
				logger.warn("Background service {} failed to stop", backgroundService.name(), ex);
			}
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private HttpProxy<?> newService(Connector upstreams) {
		Duration keepalive = this.conf.keepaliveTimeout();
		ProxySettings settings = new ProxySettings(this.conf.maxRetries(), this.conf.retryBufferSize(),
				this.conf.maxHeaders(), this.conf.forwardedHeaders(), keepalive.isZero() ? null : keepalive,
				this.conf.readTimeout(), this.conf.keepaliveRequestLimit());
		return new HttpProxy(this.proxy, upstreams, this.ticker, settings);
	}

	/**
	 * HTTP/2 beside HTTP/1.1: chosen by ALPN after the TLS handshake, or by the client's
	 * connection preface (prior knowledge) on a plain listener.
	 */
	private void offerHttp2(Channel channel, boolean tls, HttpProxy<?> proxyService) {
		int streams = this.conf.http2MaxConcurrentStreams();
		int window = this.conf.http2InitialWindowSize();
		int headers = this.conf.maxHeaderSize();
		if (!tls) {
			proxyService.offerHttp2PriorKnowledge(channel, streams, window, headers);
			return;
		}
		channel.pipeline()
			.addAfter(TLS_HANDLER, ALPN_HANDLER,
					new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
						@Override
						protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
							if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
								proxyService.switchToHttp2(ctx.channel(), streams, window, headers);
							}
						}
					});
	}

	private Channel bind(Listener listener, int index, LoopResources eventLoops, HttpProxy<?> proxyService,
			ChannelGroup group) {
		if (listener.isUnix()) {
			deleteStaleSocket(Objects.requireNonNull(listener.path()));
		}
		EventLoopGroup acceptors = eventLoops.onServerSelect(true);
		EventLoopGroup workers = eventLoops.onServer(true);
		HttpDecoderConfig decoding = decoderConfig();
		TlsSettings tls = listener.tls();
		Mapping<String, SslContext> tlsContexts;
		try {
			tlsContexts = (tls != null) ? tls.contexts(this.conf.http2()) : null;
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("listener " + listener + ": " + rootMessage(ex), ex);
		}
		ServerBootstrap bootstrap = new ServerBootstrap().group(acceptors, workers);
		if (listener.isUnix()) {
			bootstrap.channelFactory(() -> eventLoops.onChannel(ServerDomainSocketChannel.class, workers));
		}
		else {
			bootstrap.channel(eventLoops.onChannelClass(ServerSocketChannel.class, workers));
		}
		bootstrap.childHandler(new ChannelInitializer<>() {
			@Override
			protected void initChannel(Channel channel) {
				group.add(channel);
				if (tlsContexts != null) {
					// Picks the certificate by the SNI name, then becomes the SslHandler.
					channel.pipeline().addLast(TLS_HANDLER, new SniHandler(tlsContexts));
				}
				// The keep-alive and request body read timeouts are the engine's own
				// (DownstreamGuard): one timer per connection.
				channel.pipeline().addLast(HttpProxy.HTTP_CODEC, new HttpServerCodec(decoding));
				proxyService.initConnection(channel);
				if (Server.this.conf.http2()) {
					offerHttp2(channel, tlsContexts != null, proxyService);
				}
				Server.this.downstreamCustomizer.accept(channel);
			}
		});
		if (!listener.isUnix()) {
			bootstrap.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
		}
		ChannelFuture binding = bootstrap.bind(listener.bindAddress()).awaitUninterruptibly();
		if (!binding.isSuccess()) {
			Throwable cause = binding.cause();
			throw new ListenerBindException(listener, index, rootMessage(cause), cause);
		}
		return binding.channel();
	}

	private HttpDecoderConfig decoderConfig() {
		return new HttpDecoderConfig().setMaxInitialLineLength(this.conf.maxRequestLineLength())
			.setMaxHeaderSize(this.conf.maxHeaderSize())
			.setMaxChunkSize(64 * 1024)
			.setAllowDuplicateContentLengths(false);
	}

	private void closeIdleConnections() {
		ChannelGroup group = this.channels;
		if (group == null) {
			return;
		}
		for (Channel channel : group) {
			HttpProxy.closeIfIdle(channel);
		}
	}

	private void closeNow() {
		this.bound.forEach((server) -> server.close().awaitUninterruptibly(5000));
		ChannelGroup group = this.channels;
		if (group != null) {
			group.close().awaitUninterruptibly(5000);
		}
		Connector upstreams = this.connector;
		if (upstreams != null) {
			upstreams.close();
		}
		LoopResources eventLoops = this.loops;
		if (eventLoops != null) {
			eventLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
		}
	}

	private static void deleteStaleSocket(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("listener unix:" + path + ": cannot remove the stale socket file", ex);
		}
	}

	private static String rootMessage(Throwable throwable) {
		Throwable current = throwable;
		while (current.getCause() != null && current.getCause() != current) {
			current = current.getCause();
		}
		return String.valueOf(current.getMessage());
	}

	private enum State {

		NEW, RUNNING, STOPPING, TERMINATED

	}

	/**
	 * Builds a {@link Server}.
	 */
	public static final class Builder {

		private ServerConf conf = ServerConf.defaults();

		private final List<Listener> listeners = new ArrayList<>();

		private @Nullable ProxyHttp<?> proxy;

		private Ticker ticker = Ticker.system();

		private Consumer<Channel> downstreamCustomizer = (channel) -> {
		};

		private Consumer<Channel> connectionCustomizer = (channel) -> {
		};

		private final List<BackgroundService> services = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Set the server settings.
		 * @param conf the settings
		 * @return this builder
		 */
		public Builder conf(ServerConf conf) {
			this.conf = Objects.requireNonNull(conf, "conf");
			return this;
		}

		/**
		 * Add a listener.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listen(Listener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Set the proxy logic.
		 * @param proxy the proxy
		 * @return this builder
		 */
		public Builder proxy(ProxyHttp<?> proxy) {
			this.proxy = Objects.requireNonNull(proxy, "proxy");
			return this;
		}

		/**
		 * Set the source of time for request timings.
		 * @param ticker the ticker
		 * @return this builder
		 */
		public Builder ticker(Ticker ticker) {
			this.ticker = Objects.requireNonNull(ticker, "ticker");
			return this;
		}

		/**
		 * Customize every accepted client connection once the engine set it up (the HTTP
		 * codec, the engine's handlers): add a handler, set a channel option.
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder downstreamConnectionCustomizer(Consumer<Channel> customizer) {
			this.downstreamCustomizer = this.downstreamCustomizer
				.andThen(Objects.requireNonNull(customizer, "customizer"));
			return this;
		}

		/**
		 * Customize every new upstream connection once the engine set it up (TLS, HTTP
		 * codec, the engine's handler): add a handler, set a channel option. WebSocket
		 * connections included.
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder upstreamConnectionCustomizer(Consumer<Channel> customizer) {
			this.connectionCustomizer = this.connectionCustomizer
				.andThen(Objects.requireNonNull(customizer, "customizer"));
			return this;
		}

		/**
		 * Add a service to run beside the proxy, such as a
		 * {@link dev.pingora.lb.LoadBalancer}: started (and waited for, up to 30 seconds)
		 * before the listeners bind, stopped after the last request.
		 * @param service the service
		 * @return this builder
		 */
		public Builder backgroundService(BackgroundService service) {
			this.services.add(Objects.requireNonNull(service, "service"));
			return this;
		}

		/**
		 * Build the server; it is not started.
		 * @return the server
		 * @throws IllegalStateException if no proxy or no listener was given
		 */
		public Server build() {
			if (this.proxy == null) {
				throw new IllegalStateException(
						"proxy: none (expected: a ProxyHttp, set with Server.builder().proxy(..))");
			}
			if (this.listeners.isEmpty()) {
				throw new IllegalStateException(
						"listeners: none (expected: at least one, added with Server.builder().listen(Listener.tcp(port)))");
			}
			return new Server(this);
		}

	}

}
