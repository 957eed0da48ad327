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
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

/**
 * The engine's handler on every upstream HTTP/1.1 connection, right after the HTTP codec.
 * It counts the requests a connection has carried (to tell reused connections from new
 * ones), writes the request line the attempt decided on, and takes interim (1xx)
 * responses other than 100 and 101 out of the stream: Reactor Netty's client would take
 * the first of them for the final response. They are forwarded to the client instead (103
 * Early Hints).
 */
final class UpstreamChannelHandler extends ChannelDuplexHandler {

	static final String NAME = "pingora.upstream";

	private static final AttributeKey<UpstreamChannelHandler> KEY = AttributeKey.valueOf(NAME);

	private int requests;

	private volatile @Nullable UpstreamAttempt<?> attempt;

	private boolean skippingInterim;

	/**
	 * Add the handler to a new upstream connection.
	 */
	static void install(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		UpstreamChannelHandler handler = new UpstreamChannelHandler();
		if (pipeline.get(NettyPipeline.HttpCodec) != null) {
			pipeline.addAfter(NettyPipeline.HttpCodec, NAME, handler);
			channel.attr(KEY).set(handler);
		}
	}

	/**
	 * Bind an attempt to the connection it got.
	 * @return whether the connection carried a request before (a pooled connection)
	 */
	static boolean bind(Channel channel, UpstreamAttempt<?> attempt) {
		UpstreamChannelHandler handler = channel.attr(KEY).get();
		if (handler == null) {
			return false;
		}
		handler.attempt = attempt;
		return handler.requests++ > 0;
	}

	/**
	 * Unbind the attempt once it is over.
	 */
	static void unbind(Channel channel, UpstreamAttempt<?> attempt) {
		UpstreamChannelHandler handler = channel.attr(KEY).get();
		if (handler != null && handler.attempt == attempt) {
			handler.attempt = null;
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpRequest request) {
			UpstreamAttempt<?> current = this.attempt;
			if (current != null) {
				current.applyRequestLine(request);
			}
		}
		ctx.write(msg, promise);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpResponse response) {
			int code = response.status().code();
			if (code > 101 && code < 200) {
				UpstreamAttempt<?> current = this.attempt;
				if (current != null) {
					current.onInformational(response);
				}
				this.skippingInterim = !(msg instanceof LastHttpContent);
				ReferenceCountUtil.release(msg);
				ctx.read();
				return;
			}
		}
		else if (this.skippingInterim && msg instanceof LastHttpContent) {
			this.skippingInterim = false;
			ReferenceCountUtil.release(msg);
			ctx.read();
			return;
		}
		ctx.fireChannelRead(msg);
	}

}
