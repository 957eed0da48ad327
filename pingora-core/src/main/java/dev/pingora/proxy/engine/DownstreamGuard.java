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
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rejects requests that must not reach the phases, right after the server's HTTP codec:
 * requests the codec could not parse, and requests whose framing is ambiguous (RFC 9112
 * §3.2 and §6.3), which are the raw material of request smuggling. The client gets a
 * small error response ({@code Content-Length: 0},
 * {@code Cache-Control: private, no-store}, {@code Connection: close}) and the connection
 * is closed. No phase runs for these requests, as in Pingora.
 *
 * <p>
 * It also keeps the client connection's timers, with one periodic check per connection
 * rather than handlers added and removed for every request: the keep-alive timeout (an
 * idle connection between requests is closed) and the request body read timeout (a client
 * too slow to send its body gets a {@link ReadTimeoutException}, which the engine answers
 * with 408). An upgraded connection (101) leaves the guard's timers.
 */
final class DownstreamGuard extends ChannelDuplexHandler {

	static final String NAME = "pingora.guard";

	private static final Logger logger = LoggerFactory.getLogger(DownstreamGuard.class);

	private static final long MIN_CHECK_INTERVAL = TimeUnit.MILLISECONDS.toNanos(10);

	private final int maxHeaders;

	private final long keepaliveNanos;

	private final long readTimeoutNanos;

	private boolean rejected;

	private int inFlight;

	private boolean readingBody;

	private boolean interim;

	private boolean upgraded;

	private long lastRead;

	private long idleSince;

	private @Nullable ScheduledFuture<?> timer;

	DownstreamGuard(ProxySettings settings) {
		this.maxHeaders = settings.maxHeaders();
		this.keepaliveNanos = nanos(settings.keepaliveTimeout());
		this.readTimeoutNanos = nanos(settings.readTimeout());
	}

	private static long nanos(@Nullable Duration duration) {
		return (duration != null) ? duration.toNanos() : 0;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		if (ctx.channel().isActive()) {
			startTimer(ctx);
		}
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		startTimer(ctx);
		ctx.fireChannelActive();
	}

	private void startTimer(ChannelHandlerContext ctx) {
		if (this.timer != null) {
			return;
		}
		long now = System.nanoTime();
		this.idleSince = now;
		this.lastRead = now;
		long shortest = shortestTimeout();
		if (shortest > 0) {
			long interval = Math.max(MIN_CHECK_INTERVAL, shortest / 4);
			this.timer = ctx.executor()
				.scheduleWithFixedDelay(() -> check(ctx), interval, interval, TimeUnit.NANOSECONDS);
		}
	}

	private long shortestTimeout() {
		if (this.keepaliveNanos == 0 || this.readTimeoutNanos == 0) {
			return Math.max(this.keepaliveNanos, this.readTimeoutNanos);
		}
		return Math.min(this.keepaliveNanos, this.readTimeoutNanos);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		stopTimer();
		ctx.fireChannelInactive();
	}

	private void stopTimer() {
		ScheduledFuture<?> pending = this.timer;
		if (pending != null) {
			this.timer = null;
			pending.cancel(false);
		}
	}

	private void check(ChannelHandlerContext ctx) {
		if (this.upgraded || !ctx.channel().isActive()) {
			stopTimer();
			return;
		}
		long now = System.nanoTime();
		if (this.readingBody && this.readTimeoutNanos > 0 && now - this.lastRead >= this.readTimeoutNanos) {
			this.readingBody = false;
			ctx.fireExceptionCaught(ReadTimeoutException.INSTANCE);
			ctx.close();
		}
		else if (this.inFlight == 0 && this.keepaliveNanos > 0 && now - this.idleSince >= this.keepaliveNanos) {
			ctx.close();
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse response) {
			int code = response.status().code();
			if (code == 101) {
				this.upgraded = true;
				stopTimer();
			}
			else if (code < 200) {
				this.interim = true;
			}
		}
		if (msg instanceof LastHttpContent && !this.upgraded) {
			if (this.interim) {
				this.interim = false;
			}
			else if (this.inFlight > 0 && --this.inFlight == 0) {
				this.idleSince = System.nanoTime();
			}
		}
		ctx.write(msg, promise);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		this.lastRead = System.nanoTime();
		if (this.rejected) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof HttpRequest) {
			this.inFlight++;
			this.readingBody = !(msg instanceof LastHttpContent);
		}
		else if (msg instanceof LastHttpContent) {
			this.readingBody = false;
		}
		if (msg instanceof HttpRequest request) {
			Rejection rejection = check(request);
			if (rejection != null) {
				reject(ctx, rejection);
				ReferenceCountUtil.release(msg);
				return;
			}
		}
		else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
			// A broken body after a good header: the request is already being proxied and
			// will fail on its own; make sure nothing more is read from this connection.
			ctx.fireChannelRead(msg);
			ctx.close();
			return;
		}
		ctx.fireChannelRead(msg);
	}

	private @Nullable Rejection check(HttpRequest request) {
		DecoderResult result = request.decoderResult();
		if (result.isFailure()) {
			Throwable cause = result.cause();
			if (cause instanceof TooLongHttpLineException) {
				return new Rejection(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
			}
			if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
				return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header too large");
			}
			return new Rejection(HttpResponseStatus.BAD_REQUEST, "malformed request: " + cause);
		}
		HttpHeaders headers = request.headers();
		if (headers.size() > this.maxHeaders) {
			return new Rejection(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
					"more than " + this.maxHeaders + " header fields");
		}
		List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
		if (hosts.size() > 1 || (hosts.isEmpty() && HttpVersion.HTTP_1_1.equals(request.protocolVersion()))) {
			return new Rejection(HttpResponseStatus.BAD_REQUEST, "expected exactly one Host header");
		}
		List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
		if (!codings.isEmpty()) {
			if (HttpVersion.HTTP_1_0.equals(request.protocolVersion())) {
				return new Rejection(HttpResponseStatus.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
			}
			if (!lastCodingIsChunked(codings)) {
				return new Rejection(HttpResponseStatus.BAD_REQUEST, "Transfer-Encoding does not end with chunked");
			}
			if (!onlyChunked(codings)) {
				// Only chunked is decoded; any other coding would reach the upstream
				// unlabelled.
				return new Rejection(HttpResponseStatus.NOT_IMPLEMENTED, "Transfer-Encoding other than chunked");
			}
		}
		if (HttpMethod.CONNECT.equals(request.method())) {
			return new Rejection(HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not proxied");
		}
		return null;
	}

	private void reject(ChannelHandlerContext ctx, Rejection rejection) {
		this.rejected = true;
		if (logger.isDebugEnabled()) {
			logger.debug("Rejected request from {}: {} ({})", ctx.channel().remoteAddress(), rejection.reason,
					rejection.status.code());
		}
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, rejection.status,
				Unpooled.EMPTY_BUFFER);
		response.headers()
			.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO)
			.set(HttpHeaderNames.CACHE_CONTROL, "private, no-store")
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
			.set(HttpHeaderNames.DATE, HttpDate.now());
		ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
	}

	private static boolean onlyChunked(List<String> codings) {
		for (String value : codings) {
			for (String coding : value.split(",")) {
				if (!HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(coding.trim())) {
					return false;
				}
			}
		}
		return true;
	}

	private static boolean lastCodingIsChunked(List<String> codings) {
		String last = codings.get(codings.size() - 1);
		int comma = last.lastIndexOf(',');
		String coding = ((comma >= 0) ? last.substring(comma + 1) : last).trim();
		return HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(coding);
	}

	private record Rejection(HttpResponseStatus status, String reason) {
	}

}
