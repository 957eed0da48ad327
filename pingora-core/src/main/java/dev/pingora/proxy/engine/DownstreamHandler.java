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

import java.util.ArrayDeque;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;

import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;

/**
 * The engine's handler on every client connection, after the HTTP codec and
 * {@link DownstreamGuard}: it runs one request at a time through the phases
 * ({@link ProxyRequest}), feeds the request body to it, and moves on to the next request
 * once the response is out.
 *
 * <p>
 * Client connections run with {@code AUTO_READ} off: the handler asks for a read while it
 * waits for a request header, while the request body's reader wants data
 * ({@link InboundBody}), and keeps one read pending while a response is in progress so
 * that a client that goes away is noticed. Pipelined requests wait in order; a request
 * body nobody read is drained before the next request, as in Pingora.
 *
 * <p>
 * Only the connection's event loop touches it.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "pingora.downstream";

	private static final AttributeKey<DownstreamHandler> KEY = AttributeKey.valueOf(NAME);

	private static final Logger logger = LoggerFactory.getLogger(DownstreamHandler.class);

	private final HttpProxy<?> engine;

	private final ArrayDeque<Object> pending = new ArrayDeque<>(2);

	private @Nullable ChannelHandlerContext context;

	private @Nullable Exchange current;

	private boolean draining;

	private int requests;

	DownstreamHandler(HttpProxy<?> engine) {
		this.engine = engine;
	}

	/**
	 * Add the handler to a new client connection, after the HTTP codec.
	 */
	static void install(Channel channel, HttpProxy<?> engine) {
		DownstreamHandler handler = new DownstreamHandler(engine);
		channel.config().setAutoRead(false);
		channel.pipeline().addLast(NAME, handler);
		channel.attr(KEY).set(handler);
	}

	/**
	 * The connection no longer carries HTTP/1 requests (it switched to HTTP/2).
	 */
	static void forget(Channel channel) {
		channel.attr(KEY).set(null);
	}

	/**
	 * Close the connection if no request is in progress on it; used by a graceful
	 * shutdown. Safe from any thread.
	 */
	static void closeIfIdle(Channel channel) {
		channel.eventLoop().execute(() -> {
			DownstreamHandler handler = channel.attr(KEY).get();
			if (handler == null || handler.current == null) {
				channel.close();
			}
		});
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		ctx.fireChannelActive();
		ctx.read();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!this.pending.isEmpty() || !handle(msg)) {
			this.pending.add(msg);
		}
	}

	/**
	 * Take a message: a request header starts an exchange, content goes to the body of
	 * the request being read.
	 * @return whether the message was taken; if not, it waits until the exchange in
	 * progress is over
	 */
	private boolean handle(Object msg) {
		Exchange exchange = this.current;
		if (this.draining) {
			if (msg instanceof HttpContent) {
				this.draining = !(msg instanceof LastHttpContent);
				ReferenceCountUtil.release(msg);
				return true;
			}
			this.draining = false;
		}
		if (exchange != null && !exchange.requestComplete) {
			if (msg instanceof HttpContent content) {
				exchange.onContent(content);
			}
			else {
				ReferenceCountUtil.release(msg);
			}
			return true;
		}
		if (exchange != null) {
			// A pipelined request: it waits for the response in progress.
			return false;
		}
		if (msg instanceof HttpRequest request) {
			if (this.requests == 0 && Http2Downstream.isH2cUpgrade(channel(), request)) {
				// The first request asks for HTTP/2 (Upgrade: h2c): the connection
				// switches,
				// and the request becomes stream 1.
				Http2Downstream.upgradeH2c(channel(), this.engine, request);
				return true;
			}
			start(request);
		}
		else {
			// Content of a request that was never started (its header was rejected).
			ReferenceCountUtil.release(msg);
		}
		return true;
	}

	private void start(HttpRequest request) {
		Channel channel = channel();
		this.requests++;
		int limit = this.engine.settings.keepaliveRequestLimit();
		boolean last = limit > 0 && this.requests >= limit;
		DefaultSession session = new DefaultSession(this.engine, channel, request, last);
		Exchange exchange = new Exchange(session);
		this.current = exchange;
		if (request instanceof HttpContent content) {
			exchange.onContent(content);
		}
		this.engine.serve(session, exchange);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (wantsRead()) {
			ctx.read();
		}
		ctx.fireChannelReadComplete();
	}

	private boolean wantsRead() {
		if (!this.pending.isEmpty()) {
			return false;
		}
		Exchange exchange = this.current;
		if (exchange == null || this.draining) {
			return true;
		}
		if (!exchange.requestComplete) {
			InboundBody body = exchange.session.inboundBody();
			return body == null || body.wantsMore();
		}
		// A read stays pending while the response is in progress, to notice a client
		// that goes away; a pipelined request it brings waits. An upgrade request waits
		// for its answer: what follows it is another protocol.
		return !exchange.session.isUpgradeRequest();
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		Exchange exchange = this.current;
		if (exchange != null && ctx.channel().isWritable()) {
			exchange.session.onWritable();
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		Exchange exchange = this.current;
		if (exchange != null) {
			exchange.cancel();
		}
		releasePending();
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		Exchange exchange = this.current;
		if (exchange != null && !exchange.requestComplete) {
			InboundBody body = exchange.session.inboundBody();
			if (body != null) {
				// The request body read timed out or could not be read.
				body.fail(cause);
				return;
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
		}
		ctx.close();
	}

	private void releasePending() {
		Object msg;
		while ((msg = this.pending.poll()) != null) {
			ReferenceCountUtil.release(msg);
		}
	}

	/**
	 * The exchange is over (its phases, logging included, are done): close the connection
	 * or go on with the next request.
	 */
	private void finished(Exchange exchange) {
		if (this.current != exchange) {
			return;
		}
		this.current = null;
		Channel channel = channel();
		DefaultSession session = exchange.session;
		if (session.isTunnel()) {
			return;
		}
		if (!session.isResponseWritten() && channel.isActive()) {
			logger.error("The phases ended without a response for {}; answering 502", session.requestSummary());
			session.respondError(502).subscribe();
		}
		if (!session.isKeepAlive() || !session.isResponseWritten() || !channel.isActive()) {
			releasePending();
			session.closeAfterResponse();
			return;
		}
		if (!exchange.requestComplete) {
			// A request body nobody read: skip it to reach the next request.
			InboundBody body = session.inboundBody();
			if (body != null) {
				body.discard();
			}
			this.draining = true;
		}
		Object msg;
		while (this.current == null && (msg = this.pending.poll()) != null) {
			if (!handle(msg)) {
				this.pending.addFirst(msg);
				break;
			}
		}
		if (wantsRead()) {
			channel.read();
		}
	}

	private Channel channel() {
		ChannelHandlerContext ctx = this.context;
		if (ctx == null) {
			throw new IllegalStateException("handler not added");
		}
		return ctx.channel();
	}

	/**
	 * One request on the connection: the subscriber of its phase chain.
	 */
	final class Exchange implements CoreSubscriber<Void> {

		final DefaultSession session;

		boolean requestComplete;

		private volatile @Nullable Subscription subscription;

		private volatile boolean cancelled;

		Exchange(DefaultSession session) {
			this.session = session;
		}

		void onContent(HttpContent content) {
			InboundBody body = this.session.inboundBody();
			if (content.decoderResult().isFailure()) {
				content.release();
				this.requestComplete = true;
				if (body != null) {
					body.fail(ProxyError.downstream(ErrorType.INVALID_HTTP_HEADER,
							"malformed request body: " + content.decoderResult().cause(), null));
				}
				return;
			}
			if (body != null && content.content().isReadable()) {
				body.offer(content.content());
			}
			else {
				content.release();
			}
			if (content instanceof LastHttpContent) {
				this.requestComplete = true;
				if (body != null) {
					body.complete();
				}
			}
		}

		@Override
		public void onSubscribe(Subscription s) {
			this.subscription = s;
			if (this.cancelled) {
				s.cancel();
				return;
			}
			s.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Void unused) {
		}

		@Override
		public void onError(Throwable throwable) {
			// ProxyRequest handles its own errors; this is a last resort.
			logger.error("Request failed outside the phases: {}", this.session.requestSummary(), throwable);
			this.session.abortDownstream();
			done();
		}

		@Override
		public void onComplete() {
			done();
		}

		private void done() {
			BodyWriter.onLoop(this.session.channel().eventLoop(), () -> finished(this));
		}

		/**
		 * The client went away: cancel the phase chain (logging still runs, with the
		 * error).
		 */
		void cancel() {
			this.cancelled = true;
			Subscription s = this.subscription;
			if (s != null) {
				s.cancel();
			}
		}

	}

}
