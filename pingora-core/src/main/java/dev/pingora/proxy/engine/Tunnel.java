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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pingora.upstream.Connector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.MonoSink;

/**
 * The two connections of an upgraded exchange (WebSocket and any other protocol a 101
 * switches to), relayed as bytes in both directions, as Pingora does after a 101: the
 * HTTP codecs leave both pipelines, whatever one side sends the other gets as it is, each
 * side reads only while the other can take writes, and a close on one side closes the
 * other once what it sent is written. The tunnel ends when both connections are closed.
 */
final class Tunnel {

	static final String NAME = "pingora.tunnel";

	private final AtomicInteger open = new AtomicInteger(2);

	private final MonoSink<Void> done;

	private volatile long lastActivity = System.nanoTime();

	private Tunnel(MonoSink<Void> done) {
		this.done = done;
	}

	/**
	 * Turn the client connection and the upstream connection into a tunnel. Runs on the
	 * client connection's event loop, once the 101 went to the client.
	 * @param client the client connection
	 * @param upstream the upstream connection
	 * @param early what the upstream sent after its 101, before the tunnel opened
	 * @param done completed when both connections are closed
	 */
	static void open(Channel client, Channel upstream, List<ByteBuf> early, MonoSink<Void> done) {
		open(client, upstream, early, done, null);
	}

	/**
	 * Open a tunnel that closes both connections once no byte went either way for the
	 * idle timeout.
	 * @param client the client connection
	 * @param upstream the upstream connection
	 * @param early what the upstream sent after its 101, before the tunnel opened
	 * @param done completed when both connections are closed
	 * @param idleTimeout the idle timeout, or {@code null} for none
	 */
	static void open(Channel client, Channel upstream, List<ByteBuf> early, MonoSink<Void> done,
			@Nullable Duration idleTimeout) {
		Tunnel tunnel = new Tunnel(done);
		if (idleTimeout != null) {
			tunnel.watchIdle(client, upstream, idleTimeout.toNanos());
		}
		Side fromClient = new Side(tunnel, upstream);
		Side fromUpstream = new Side(tunnel, client);
		fromClient.peerSide = fromUpstream;
		fromUpstream.peerSide = fromClient;
		fromUpstream.held.addAll(early);
		ChannelPipeline clientPipeline = client.pipeline();
		removeIfPresent(clientPipeline, DownstreamGuard.NAME);
		clientPipeline.replace(DownstreamHandler.NAME, NAME, fromClient);
		ChannelPipeline upstreamPipeline = upstream.pipeline();
		upstreamPipeline.replace(UpstreamChannelHandler.NAME, NAME, fromUpstream);
		// What the codecs hold goes to the sides, which keep it until both are ready.
		removeIfPresent(clientPipeline, HttpProxy.HTTP_CODEC);
		removeIfPresent(upstreamPipeline, Connector.HTTP_CODEC);
		if (!client.isActive()) {
			fromClient.closed();
		}
		if (!upstream.isActive()) {
			fromUpstream.closed();
		}
		fromClient.start();
		fromUpstream.start();
	}

	private static void removeIfPresent(ChannelPipeline pipeline, String name) {
		ChannelHandler handler = pipeline.get(name);
		if (handler != null) {
			pipeline.remove(handler);
		}
	}

	private void watchIdle(Channel client, Channel upstream, long timeoutNanos) {
		client.eventLoop().schedule(() -> {
			if (this.open.get() == 0) {
				return;
			}
			long idle = System.nanoTime() - this.lastActivity;
			if (idle >= timeoutNanos) {
				client.close();
				upstream.close();
				return;
			}
			watchIdle(client, upstream, timeoutNanos - idle);
		}, timeoutNanos, TimeUnit.NANOSECONDS);
	}

	private void sideClosed() {
		if (this.open.decrementAndGet() == 0) {
			this.done.success();
		}
	}

	/**
	 * One direction: what its connection reads goes to the peer connection.
	 */
	private static final class Side extends ChannelInboundHandlerAdapter {

		private final Tunnel tunnel;

		private final Channel peer;

		private final List<ByteBuf> held = new ArrayList<>(2);

		private @Nullable Side peerSide;

		private @Nullable ChannelHandlerContext context;

		private boolean started;

		private boolean waiting;

		private boolean closed;

		Side(Tunnel tunnel, Channel peer) {
			this.tunnel = tunnel;
			this.peer = peer;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			this.context = ctx;
		}

		void start() {
			this.started = true;
			for (ByteBuf data : this.held) {
				this.peer.write(data, this.peer.voidPromise());
			}
			this.held.clear();
			this.peer.flush();
			readIfPeerWritable();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ByteBuf data = null;
			if (msg instanceof ByteBuf buffer) {
				data = buffer;
			}
			else if (msg instanceof HttpContent content) {
				// The end of the 101 message, from the codec on its way out.
				data = content.content().retain();
				content.release();
			}
			else {
				ReferenceCountUtil.release(msg);
			}
			if (data == null || !data.isReadable()) {
				if (data != null) {
					data.release();
				}
				return;
			}
			this.tunnel.lastActivity = System.nanoTime();
			if (this.started) {
				this.peer.write(data, this.peer.voidPromise());
			}
			else {
				this.held.add(data);
			}
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			if (this.started) {
				this.peer.flush();
				readIfPeerWritable();
			}
		}

		private void readIfPeerWritable() {
			ChannelHandlerContext ctx = this.context;
			if (ctx == null || this.closed) {
				return;
			}
			if (this.peer.isWritable()) {
				this.waiting = false;
				ctx.read();
			}
			else {
				this.waiting = true;
			}
		}

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) {
			Side other = this.peerSide;
			if (ctx.channel().isWritable() && other != null && other.waiting) {
				other.readIfPeerWritable();
			}
			ctx.fireChannelWritabilityChanged();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			closed();
			ctx.fireChannelInactive();
		}

		void closed() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.held.forEach(ByteBuf::release);
			this.held.clear();
			if (this.peer.isActive()) {
				this.peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			}
			this.tunnel.sideClosed();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
