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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.timeout.WriteTimeoutHandler;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Connections to upstream peers: one Reactor Netty {@link HttpClient} and connection pool
 * per peer identity (address, TLS, SNI and {@link PeerOptions}), created on first use and
 * shared by every request to that peer.
 *
 * <p>
 * Pools are LIFO, so the connections that stay warm are the recently used ones and the
 * rest age out after the peer's idle timeout (a background sweep closes them). An idle
 * timeout of zero disables pooling for the peer. A separate, unpooled client per peer
 * serves retries that must not run into another stale pooled connection.
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

	private final @Nullable LoopResources loops;

	private final int maxConnectionsPerPeer;

	private final Consumer<Channel> channelInitializer;

	private final Function<HttpClient, HttpClient> clientCustomizer;

	private final Consumer<ConnectionProvider.Builder> poolCustomizer;

	private final Map<HttpPeer, Clients> clients = new ConcurrentHashMap<>();

	/**
	 * Create a connector.
	 * @param loops the event loops to run upstream connections on, ideally the server's
	 * own so that a request and its upstream connection share a thread; {@code null} for
	 * Reactor Netty's default loops
	 * @param maxConnectionsPerPeer the most connections per peer; requests beyond it wait
	 * for a connection
	 * @param channelInitializer called for every new upstream connection after its HTTP
	 * codec is in place
	 */
	public Connector(@Nullable LoopResources loops, int maxConnectionsPerPeer, Consumer<Channel> channelInitializer) {
		this(loops, maxConnectionsPerPeer, channelInitializer, Function.identity(), (builder) -> {
		});
	}

	/**
	 * Create a connector with customizers.
	 * @param loops the event loops to run upstream connections on, or {@code null} for
	 * Reactor Netty's default loops
	 * @param maxConnectionsPerPeer the most connections per peer
	 * @param channelInitializer called for every new upstream connection after its HTTP
	 * codec is in place
	 * @param clientCustomizer applied to every peer's client after the engine configured
	 * it
	 * @param poolCustomizer applied to every peer's connection pool builder after the
	 * engine configured it
	 */
	public Connector(@Nullable LoopResources loops, int maxConnectionsPerPeer, Consumer<Channel> channelInitializer,
			Function<HttpClient, HttpClient> clientCustomizer, Consumer<ConnectionProvider.Builder> poolCustomizer) {
		if (maxConnectionsPerPeer < 1) {
			throw new IllegalArgumentException("maxConnectionsPerPeer: " + maxConnectionsPerPeer + " (expected: >= 1)");
		}
		this.loops = loops;
		this.maxConnectionsPerPeer = maxConnectionsPerPeer;
		this.channelInitializer = Objects.requireNonNull(channelInitializer, "channelInitializer");
		this.clientCustomizer = Objects.requireNonNull(clientCustomizer, "clientCustomizer");
		this.poolCustomizer = Objects.requireNonNull(poolCustomizer, "poolCustomizer");
	}

	/**
	 * Return the client for a peer if it exists already. This is the per-request path and
	 * never blocks.
	 * @param peer the peer
	 * @param fresh {@code true} for a client that always opens a new connection
	 * @return the client, or {@code null} if the peer has none yet
	 */
	public @Nullable HttpClient cachedClient(HttpPeer peer, boolean fresh) {
		Objects.requireNonNull(peer, "peer");
		Clients entry = this.clients.get(peer);
		return (entry != null) ? select(entry, fresh) : null;
	}

	/**
	 * Return the client for a peer, creating it on first use. Creation may block (a TLS
	 * context reads certificate files and seeds its random source), so it runs on
	 * Reactor's bounded elastic scheduler, never on an event loop.
	 * @param peer the peer
	 * @param fresh {@code true} for a client that always opens a new connection
	 * @return the client
	 */
	public Mono<HttpClient> client(HttpPeer peer, boolean fresh) {
		HttpClient cached = cachedClient(peer, fresh);
		if (cached != null) {
			return Mono.just(cached);
		}
		return Mono.fromCallable(() -> select(this.clients.computeIfAbsent(peer, this::create), fresh))
			.subscribeOn(Schedulers.boundedElastic());
	}

	private static HttpClient select(Clients entry, boolean fresh) {
		return fresh ? entry.fresh : entry.pooled;
	}

	/**
	 * Return the number of peers that have a pool.
	 * @return the number of peers
	 */
	public int peers() {
		return this.clients.size();
	}

	/**
	 * Close every pooled connection and forget every peer.
	 */
	@Override
	public void close() {
		this.clients.values().forEach((entry) -> entry.provider.dispose());
		this.clients.clear();
	}

	private Clients create(HttpPeer peer) {
		PeerOptions options = peer.options();
		Duration idle = options.idleTimeout();
		ConnectionProvider provider;
		if (idle.isZero()) {
			provider = ConnectionProvider.newConnection();
		}
		else {
			ConnectionProvider.Builder builder = ConnectionProvider.builder("pingora")
				.maxConnections(this.maxConnectionsPerPeer)
				.pendingAcquireMaxCount(-1)
				.pendingAcquireTimeout(acquireTimeout(options))
				.maxIdleTime(idle)
				.evictInBackground(sweepInterval(idle))
				.lifo();
			this.poolCustomizer.accept(builder);
			provider = builder.build();
		}
		HttpClient pooled = configure(HttpClient.create(provider), peer);
		HttpClient fresh = configure(HttpClient.create(ConnectionProvider.newConnection()), peer);
		return new Clients(provider, pooled, fresh);
	}

	private HttpClient configure(HttpClient client, HttpPeer peer) {
		PeerOptions options = peer.options();
		HttpClient configured = client.remoteAddress(peer::address)
			.disableRetry(true)
			.followRedirect(false)
			.keepAlive(true)
			.compress(false)
			.doOnChannelInit((observer, channel, address) -> initChannel(channel, options));
		if (this.loops != null) {
			configured = configured.runOn(this.loops);
		}
		Duration connect = options.connectionTimeout();
		if (connect != null) {
			configured = configured.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, Math.max(1, connect.toMillis())));
		}
		TcpKeepalive keepalive = options.tcpKeepalive();
		if (keepalive != null && !(peer.address() instanceof DomainSocketAddress)) {
			configured = configured.option(ChannelOption.SO_KEEPALIVE, true);
			if (Epoll.isAvailable()) {
				configured = configured.option(EpollChannelOption.TCP_KEEPIDLE, (int) keepalive.idle().getSeconds())
					.option(EpollChannelOption.TCP_KEEPINTVL, (int) keepalive.interval().getSeconds())
					.option(EpollChannelOption.TCP_KEEPCNT, keepalive.count());
			}
		}
		if (peer.isTls()) {
			configured = configured.secure(PeerTls.sslProvider(peer));
		}
		// Last, so that what a customizer sets (TLS included) wins.
		return this.clientCustomizer.apply(configured);
	}

	private void initChannel(Channel channel, PeerOptions options) {
		Duration write = options.writeTimeout();
		if (write != null && channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
			channel.pipeline()
				.addBefore(NettyPipeline.HttpCodec, "pingora.writeTimeout",
						new WriteTimeoutHandler(write.toMillis(), TimeUnit.MILLISECONDS));
		}
		this.channelInitializer.accept(channel);
	}

	private static Duration acquireTimeout(PeerOptions options) {
		Duration connect = options.connectionTimeout();
		return (connect != null) ? connect.plusSeconds(30) : Duration.ofSeconds(60);
	}

	private static Duration sweepInterval(Duration idle) {
		Duration quarter = idle.dividedBy(4);
		Duration floor = Duration.ofMillis(50);
		Duration ceiling = Duration.ofSeconds(15);
		return (quarter.compareTo(floor) < 0) ? floor : (quarter.compareTo(ceiling) > 0) ? ceiling : quarter;
	}

	private record Clients(ConnectionProvider provider, HttpClient pooled, HttpClient fresh) {
	}

}
