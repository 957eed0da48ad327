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

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The engine's handler on every upstream connection, after the HTTP codec: it hands what
 * the connection reads to the exchange in progress, and closes an idle pooled connection
 * that receives anything (an origin must not answer a request nobody sent).
 *
 * <p>
 * Only the connection's event loop touches it.
 */
final class UpstreamChannelHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "pingora.upstream";

	private static final AttributeKey<UpstreamChannelHandler> KEY = AttributeKey.valueOf(NAME);

	private int requests;

	private @Nullable UpstreamAttempt<?> exchange;

	/**
	 * Add the handler to a new upstream connection.
	 */
	static void install(Channel channel) {
		UpstreamChannelHandler handler = new UpstreamChannelHandler();
		channel.pipeline().addLast(NAME, handler);
		channel.attr(KEY).set(handler);
	}

	/**
	 * Bind an exchange to the connection it got. Runs on the connection's event loop.
	 * @return whether the connection carried a request before
	 */
	static boolean bind(Channel channel, UpstreamAttempt<?> exchange) {
		UpstreamChannelHandler handler = channel.attr(KEY).get();
		if (handler == null) {
			throw new IllegalStateException("not an upstream connection of the engine: " + channel);
		}
		handler.exchange = exchange;
		return handler.requests++ > 0;
	}

	/**
	 * Unbind the exchange once it is over. Runs on the connection's event loop.
	 */
	static void unbind(Channel channel, UpstreamAttempt<?> exchange) {
		UpstreamChannelHandler handler = channel.attr(KEY).get();
		if (handler != null && handler.exchange == exchange) {
			handler.exchange = null;
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		UpstreamAttempt<?> current = this.exchange;
		if (current != null) {
			current.onRead(msg);
			return;
		}
		ReferenceCountUtil.release(msg);
		ctx.close();
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		UpstreamAttempt<?> current = this.exchange;
		if (current != null) {
			current.onReadComplete();
		}
		else {
			// Idle in the pool: keep a read pending, so that a close is noticed.
			ctx.read();
		}
		ctx.fireChannelReadComplete();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		UpstreamAttempt<?> current = this.exchange;
		if (current != null) {
			current.onInactive();
		}
		ctx.fireChannelInactive();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		UpstreamAttempt<?> current = this.exchange;
		if (current != null && ctx.channel().isWritable()) {
			current.onWritable();
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		UpstreamAttempt<?> current = this.exchange;
		if (current != null) {
			current.onError(cause);
		}
		ctx.close();
	}

}
