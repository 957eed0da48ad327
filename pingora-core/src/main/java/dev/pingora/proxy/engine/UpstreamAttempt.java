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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

import dev.pingora.error.ErrorSource;
import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;
import dev.pingora.http.HopByHopHeaders;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.internal.Monos;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.upstream.Connector;
import dev.pingora.upstream.HttpPeer;

/**
 * One upstream attempt of a request (Pingora's {@code proxy_to_upstream}): get a
 * connection to the peer, run the connection and upstream request phases, stream the
 * request body, then the response phases and the response body. Failures go through
 * {@code failToConnect} (nothing was sent) or {@code errorWhileProxy} (something may have
 * been) before the retry decision in {@link ProxyRequest}.
 *
 * <p>
 * The HTTP exchange runs on a Netty channel of the {@link Connector} with an HTTP/1.1
 * codec and {@link UpstreamChannelHandler}, which hands every message read to
 * {@link #onRead(Object)}. Everything that touches the connection runs on its event loop
 * (normally the request's own); the phases run wherever the chain is.
 *
 * @param <C> the type of the per-request context
 */
final class UpstreamAttempt<C> implements Connector.Callback {

	private final ProxyRequest<C> request;

	private final ProxyHttp<C> proxy;

	private final DefaultSession session;

	private final HttpPeer peer;

	private final boolean fresh;

	private volatile boolean connected;

	private volatile boolean reused;

	private volatile boolean responseStarted;

	private @Nullable MonoSink<Channel> connecting;

	private volatile @Nullable Channel channel;

	// Exchange state: only the connection's event loop reads and writes these.

	private final Sinks.One<HttpResponse> head = Sinks.unsafe().one();

	private @Nullable InboundBody body;

	private @Nullable RequestBodyWriter writer;

	private boolean requestDone;

	private boolean responseDone;

	private boolean released;

	private boolean keepAlive;

	private boolean skippingInterim;

	private boolean upgraded;

	private boolean headerOnly;

	private @Nullable List<ByteBuf> early;

	private volatile @Nullable HttpHeaders trailers;

	private long lastRead;

	private @Nullable ScheduledFuture<?> readTimer;

	UpstreamAttempt(ProxyRequest<C> request, HttpPeer peer, boolean fresh) {
		this.request = request;
		this.proxy = request.proxy;
		this.session = request.session;
		this.peer = peer;
		this.fresh = fresh;
	}

	boolean reused() {
		return this.reused;
	}

	Mono<Void> run() {
		return Mono.<Channel>create(this::acquire)
			.flatMap(this::exchange)
			.onErrorResume(this::attemptFailed)
			.doFinally(this::finish);
	}

	private void acquire(MonoSink<Channel> sink) {
		this.connecting = sink;
		EventLoop loop = this.session.channel().eventLoop();
		Connector.Acquisition acquisition = this.request.engine.connector.acquire(this.peer, loop, this.fresh, this);
		sink.onCancel(acquisition::cancel);
	}

	@Override
	public void acquired(Channel connection, boolean reused) {
		this.channel = connection;
		this.reused = reused;
		MonoSink<Channel> sink = this.connecting;
		if (sink != null) {
			sink.success(connection);
		}
	}

	@Override
	public void failed(Throwable error) {
		MonoSink<Channel> sink = this.connecting;
		if (sink != null) {
			sink.error(error);
		}
	}

	private Mono<Void> exchange(Channel connection) {
		UpstreamChannelHandler.bind(connection, this);
		this.connected = true;
		this.session.upstreamConnected = this.request.engine.ticker.read();
		this.session.upstreamReused = this.reused;
		return Monos.then(this.proxy.connectedToUpstream(this.session, this.reused, this.peer, this.request.ctx),
				this::prepareRequest);
	}

	private Mono<Void> prepareRequest() {
		RequestHeader downstream = this.session.requestHeader();
		HttpHeaders headers = HopByHopHeaders.copyEndToEnd(downstream.headers(), new DefaultHttpHeaders());
		if (!headers.contains(HttpHeaderNames.HOST)) {
			// An HTTP/1.0 client may send no Host; HTTP/1.1 upstreams require one.
			headers.set(HttpHeaderNames.HOST, hostOf(this.peer));
		}
		if (connection() instanceof Http2StreamChannel
				&& downstream.headers().containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true)) {
			// The proxy forwards trailers, so the client's acceptance of them holds for
			// this hop too: HTTP/2 allows "te: trailers", and gRPC servers look for it.
			headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
		}
		if (this.request.engine.settings.forwardedHeaders()) {
			appendForwarded(headers);
		}
		if (this.session.isUpgradeRequest()) {
			// The upgrade is asked of the upstream in turn (RFC 9110 §7.8).
			headers.set(HttpHeaderNames.UPGRADE, downstream.headers().getAll(HttpHeaderNames.UPGRADE));
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
		}
		HttpMethod method = downstream.method();
		CacheFlow<C> cache = this.request.cacheFlow;
		if (cache != null) {
			cache.rewriteUpstreamRequest(headers);
			method = cache.upstreamMethod(method);
		}
		RequestHeader upstream = RequestHeader.wrap(method, downstream.originForm(), HttpVersion.HTTP_1_1, headers);
		return Monos.then(this.proxy.upstreamRequestFilter(this.session, upstream, this.request.ctx),
				() -> writeRequest(upstream));
	}

	private Mono<Void> writeRequest(RequestHeader upstream) {
		HttpHeaders headers = upstream.headers();
		frame(headers);
		Flux<ByteBuf> requestBody = this.request.upstreamBody();
		HttpRequest message = (requestBody != null)
				? new DefaultHttpRequest(HttpVersion.HTTP_1_1, upstream.method(), upstream.uri(), headers)
				: new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, upstream.method(), upstream.uri(),
						Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE);
		onLoop(() -> send(message, requestBody));
		return this.head.asMono().flatMap(this::receive);
	}

	private void send(HttpRequest message, @Nullable Flux<ByteBuf> requestBody) {
		Channel connection = connection();
		if (this.released) {
			if (requestBody == null) {
				ReferenceCountUtil.release(message);
			}
			return;
		}
		connection.writeAndFlush(message, connection.voidPromise());
		// Upstream connections read only when asked (see InboundBody): ask for the
		// response.
		connection.read();
		if (requestBody == null) {
			this.request.filterEmptyRequestBody();
			requestSent();
		}
		else {
			RequestBodyWriter bodyWriter = new RequestBodyWriter(connection);
			this.writer = bodyWriter;
			requestBody.subscribe(bodyWriter);
		}
	}

	private void requestSent() {
		this.session.requestSent = this.request.engine.ticker.read();
		this.requestDone = true;
		startReadTimer();
		finishExchange();
	}

	/**
	 * Decide the framing of the upstream request body after the phases had their say: a
	 * body without {@code Content-Length} goes chunked, and a message never carries both
	 * (RFC 9112 §6.1), so that a filter that removed the length cannot send an unframed
	 * body.
	 */
	private void frame(HttpHeaders headers) {
		if (!this.session.hasRequestBody()) {
			headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
		}
		else if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
			headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
		}
		else {
			headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
		}
	}

	/**
	 * A message read from the connection: the response header, interim responses, body
	 * chunks and the end of the response.
	 */
	void onRead(Object msg) {
		this.lastRead = System.nanoTime();
		if (this.released) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (this.upgraded) {
			holdEarly(msg);
			return;
		}
		if (msg instanceof HttpResponse response) {
			if (!onResponse(response) || !(msg instanceof HttpContent)) {
				return;
			}
		}
		if (msg instanceof HttpContent content) {
			onContent(content);
		}
		else {
			ReferenceCountUtil.release(msg);
		}
	}

	/**
	 * @return whether the message goes on (its content, if any, belongs to the body)
	 */
	private boolean onResponse(HttpResponse response) {
		if (isMalformed(response.decoderResult(), response)) {
			return false;
		}
		int code = response.status().code();
		if (code < 200) {
			this.skippingInterim = !(response instanceof LastHttpContent);
			if (code == 101 && this.session.isUpgradeRequest()) {
				onSwitchingProtocols(response);
				return false;
			}
			if (code == 101) {
				ReferenceCountUtil.release(response);
				fail(ProxyError.upstream(ErrorType.INVALID_HTTP_HEADER,
						"peer " + this.peer + " switched protocols on a request that did not ask to upgrade", null));
				return false;
			}
			if (code != 100) {
				// 100 answers our own Expect and stays here; 103 and the like go on.
				this.session.writeInformational(response);
			}
			ReferenceCountUtil.release(response);
			return false;
		}
		this.responseStarted = true;
		this.session.firstResponseByte = this.request.engine.ticker.read();
		this.keepAlive = HttpUtil.isKeepAlive(response);
		// A response that ends with its header (an HTTP/2 HEADERS frame with END_STREAM,
		// such as gRPC's trailers-only answer) is passed on as one message.
		this.headerOnly = response instanceof LastHttpContent last && !last.content().isReadable()
				&& last.trailingHeaders().isEmpty();
		this.body = new InboundBody(connection(), this::bodyCancelled);
		startReadTimer();
		this.head.tryEmitValue(response);
		return true;
	}

	/**
	 * The upstream accepted the upgrade: the 101 is the response, and what follows it
	 * waits for the tunnel.
	 */
	private void onSwitchingProtocols(HttpResponse response) {
		this.upgraded = true;
		this.skippingInterim = false;
		this.responseStarted = true;
		this.session.firstResponseByte = this.request.engine.ticker.read();
		this.keepAlive = false;
		cancelReadTimer();
		if (response instanceof HttpContent content) {
			holdEarly(content.retain());
			ReferenceCountUtil.release(response);
		}
		this.head.tryEmitValue(response);
	}

	private void holdEarly(Object msg) {
		ByteBuf data = (msg instanceof HttpContent content) ? content.content()
				: (msg instanceof ByteBuf buffer) ? buffer : null;
		if (data != null && data.isReadable()) {
			if (this.early == null) {
				this.early = new ArrayList<>(2);
			}
			this.early.add(data);
		}
		else {
			ReferenceCountUtil.release(msg);
		}
	}

	/**
	 * Give the upgraded connection to the tunnel: the exchange lets go of it.
	 */
	private List<ByteBuf> handOver() {
		this.released = true;
		cancelReadTimer();
		UpstreamChannelHandler.unbind(connection(), this);
		List<ByteBuf> held = this.early;
		this.early = null;
		return (held != null) ? held : List.of();
	}

	private void onContent(HttpContent content) {
		if (this.skippingInterim) {
			content.release();
			if (content instanceof LastHttpContent) {
				this.skippingInterim = false;
			}
			return;
		}
		InboundBody responseBody = this.body;
		if (responseBody == null) {
			content.release();
			fail(ProxyError.upstream(ErrorType.H1_ERROR, "peer " + this.peer + ", body before the header", null));
			return;
		}
		if (isMalformed(content.decoderResult(), content)) {
			return;
		}
		ByteBuf data = content.content();
		if (data.isReadable()) {
			responseBody.offer(data);
		}
		else {
			data.release();
		}
		if (content instanceof LastHttpContent last) {
			HttpHeaders received = last.trailingHeaders();
			if (!received.isEmpty()) {
				this.trailers = received;
			}
			this.responseDone = true;
			cancelReadTimer();
			// The connection goes back first: completing the body may end the whole
			// attempt at once (the client write completes synchronously), and an attempt
			// that ends with its connection still held closes it.
			finishExchange();
			responseBody.complete();
		}
	}

	private boolean isMalformed(DecoderResult result, Object msg) {
		if (result.isSuccess()) {
			return false;
		}
		ReferenceCountUtil.release(msg);
		fail(new DecoderException(result.cause()));
		return true;
	}

	/**
	 * A read is over: ask for the next one while the response is not complete and its
	 * reader wants more.
	 */
	void onReadComplete() {
		if (this.released || this.responseDone || this.upgraded) {
			return;
		}
		InboundBody responseBody = this.body;
		if (responseBody == null || responseBody.wantsMore()) {
			connection().read();
		}
	}

	/**
	 * The connection closed: before the end of the response, that is a failure.
	 */
	void onInactive() {
		if (!this.released && !this.responseDone && !this.upgraded) {
			fail(new IOException("peer " + this.peer + " closed the connection"));
		}
	}

	/**
	 * The connection failed (a write, a decoder, a write timeout).
	 */
	void onError(Throwable cause) {
		fail(cause);
	}

	/**
	 * The connection can take more writes.
	 */
	void onWritable() {
		RequestBodyWriter bodyWriter = this.writer;
		if (bodyWriter != null) {
			bodyWriter.resume();
		}
	}

	/**
	 * Hand the connection back once both directions are complete: to the pool if it can
	 * carry another request, closed otherwise.
	 */
	private void finishExchange() {
		if (!this.responseDone || this.released) {
			return;
		}
		if (!this.requestDone) {
			// The origin answered before the request body ended; the connection is in an
			// unknown state.
			cancelWriter();
			release(false);
			return;
		}
		release(this.keepAlive);
	}

	private void release(boolean reusable) {
		Channel connection = connection();
		this.released = true;
		cancelReadTimer();
		UpstreamChannelHandler.unbind(connection, this);
		if (reusable && connection.isActive()) {
			this.request.engine.connector.release(connection);
		}
		else {
			connection.close();
		}
	}

	/**
	 * Fail the exchange: the connection is closed, and the error goes to whoever waits,
	 * the response header's reader or the body's.
	 */
	private void fail(Throwable cause) {
		if (this.released) {
			return;
		}
		cancelWriter();
		release(false);
		InboundBody responseBody = this.body;
		if (responseBody == null) {
			this.head.tryEmitError(cause);
		}
		else {
			responseBody.fail(UpstreamErrors.classify(cause, true, true, this.peer));
		}
	}

	private void bodyCancelled() {
		if (!this.released) {
			cancelWriter();
			release(false);
		}
	}

	private void cancelWriter() {
		RequestBodyWriter bodyWriter = this.writer;
		if (bodyWriter != null) {
			bodyWriter.cancel();
		}
	}

	private void startReadTimer() {
		Duration timeout = this.peer.options().readTimeout();
		if (timeout == null || this.readTimer != null || this.released || this.responseDone) {
			return;
		}
		this.lastRead = System.nanoTime();
		this.readTimer = connection().eventLoop().schedule(this::checkRead, timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void checkRead() {
		this.readTimer = null;
		Duration timeout = this.peer.options().readTimeout();
		if (timeout == null || this.released || this.responseDone) {
			return;
		}
		long now = System.nanoTime();
		InboundBody responseBody = this.body;
		if (responseBody != null) {
			if (responseBody.isPaused()) {
				// Reads are paused because the client is slow: the upstream is not late.
				this.lastRead = now;
			}
			else {
				// The upstream's time starts again when reads resume.
				this.lastRead = Math.max(this.lastRead, responseBody.resumedAt());
			}
		}
		long idle = now - this.lastRead;
		if (idle >= timeout.toNanos()) {
			fail(ReadTimeoutException.INSTANCE);
			return;
		}
		this.readTimer = connection().eventLoop()
			.schedule(this::checkRead, timeout.toNanos() - idle, TimeUnit.NANOSECONDS);
	}

	private void cancelReadTimer() {
		ScheduledFuture<?> timer = this.readTimer;
		if (timer != null) {
			this.readTimer = null;
			timer.cancel(false);
		}
	}

	private Channel connection() {
		Channel connection = this.channel;
		if (connection == null) {
			throw new IllegalStateException("no connection yet");
		}
		return connection;
	}

	private void onLoop(Runnable task) {
		BodyWriter.onLoop(connection().eventLoop(), task);
	}

	private Mono<Void> receive(HttpResponse received) {
		HttpResponseStatus status = received.status();
		// The decoded response is the engine's alone: its fields become the client's,
		// without their hop-by-hop fields, in place.
		HttpHeaders headers = received.headers();
		List<String> upgrade = this.upgraded ? headers.getAll(HttpHeaderNames.UPGRADE) : List.of();
		HopByHopHeaders.remove(headers);
		boolean http2 = connection() instanceof Http2StreamChannel;
		if (http2) {
			headers.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
		}
		ResponseHeader response = ResponseHeader.wrap(status.code(), HttpVersion.HTTP_1_1, headers);
		if (!status.reasonPhrase().equals(HttpResponseStatus.valueOf(status.code()).reasonPhrase())) {
			response.setReason(status.reasonPhrase());
		}
		if (this.upgraded) {
			headers.set(HttpHeaderNames.UPGRADE, upgrade);
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
			return receiveUpgrade(response);
		}
		if (http2 || headers.contains(HttpHeaderNames.TRAILER)) {
			// HTTP/2 responses (gRPC's among them) send trailers without announcing them.
			forwardTrailers();
			if (headers.contains(HttpHeaderNames.TRAILER) && "HTTP/1.1".equals(this.session.protocol())) {
				// An HTTP/1.1 client gets trailers only in a chunked body.
				headers.remove(HttpHeaderNames.CONTENT_LENGTH);
			}
		}
		InboundBody responseBody = this.body;
		Flux<ByteBuf> upstreamBody = (responseBody != null) ? responseBody : Flux.empty();
		return Monos.then(this.proxy.upstreamResponseFilter(this.session, response, this.request.ctx), () -> respond(
				response, upstreamBody)
			.onErrorMap((ex) -> !(ex instanceof ProxyError),
					(ex) -> ProxyError.downstream(ErrorType.WRITE_ERROR, "writing the response to the client", ex)));
	}

	private Mono<Void> respond(ResponseHeader response, Flux<ByteBuf> upstreamBody) {
		CacheFlow<C> cache = this.request.cacheFlow;
		if (cache != null) {
			Mono<Void> cached = cache.onUpstreamResponse(response, upstreamBody);
			if (cached != null) {
				return cached;
			}
		}
		if (this.headerOnly) {
			upstreamBody.subscribe(ByteBuf::release, (ex) -> {
			});
			return Monos.then(this.proxy.responseFilter(this.session, response, this.request.ctx), () -> {
				ByteBuf added = this.request.filterEmptyResponseBody();
				if (added != null) {
					// The body phases made a body of the empty one.
					this.session.responseBodyBytesSent += added.readableBytes();
					return this.session.sendProxied(response, Flux.just(added));
				}
				return this.session.sendHeaderOnly(response);
			});
		}
		Flux<ByteBuf> body = this.request.downstreamBody(upstreamBody);
		return Monos.then(this.proxy.responseFilter(this.session, response, this.request.ctx),
				() -> this.session.sendProxied(response, body));
	}

	private Mono<Void> receiveUpgrade(ResponseHeader response) {
		return Monos.then(this.proxy.upstreamResponseFilter(this.session, response, this.request.ctx),
				() -> Monos.then(this.proxy.responseFilter(this.session, response, this.request.ctx), () -> {
					if (response.status() != 101) {
						// A phase turned the upgrade down: the upstream connection goes.
						onLoop(() -> handOver().forEach(ByteBuf::release));
						connection().close();
						return this.session.sendProxied(response, Flux.empty());
					}
					// The peer's read timeout is the tunnel's idle timeout (as nginx's
					// proxy_read_timeout is for WebSockets).
					return this.session.sendUpgrade(response, connection(), this::handOver,
							this.peer.options().readTimeout());
				}));
	}

	private void forwardTrailers() {
		this.session.setTrailers(() -> {
			HttpHeaders received = this.trailers;
			if (received == null || received.isEmpty()) {
				return null;
			}
			try {
				this.proxy.upstreamResponseTrailerFilter(this.session, received, this.request.ctx);
				this.proxy.responseTrailerFilter(this.session, received, this.request.ctx);
				return received;
			}
			catch (RuntimeException ex) {
				org.slf4j.LoggerFactory.getLogger("dev.pingora.proxy")
					.warn("trailer phase failed, trailers dropped ({})", this.session.requestSummary(), ex);
				return null;
			}
		});
	}

	/**
	 * The attempt is over, one way or another: if the exchange did not end on its own
	 * (the client went away, a phase failed), the connection cannot be trusted again.
	 */
	private void finish(SignalType signal) {
		Channel connection = this.channel;
		if (connection == null) {
			return;
		}
		onLoop(() -> {
			CacheFlow<C> cache = this.request.cacheFlow;
			if (signal != SignalType.ON_COMPLETE && !this.released && cache != null && cache.fillsOnItsOwn()) {
				// The client went, the cache fill goes on: the exchange ends by itself
				// (the
				// connection back to the pool at the end of the body, or closed on a
				// failure).
				return;
			}
			if (!this.released) {
				cancelWriter();
				release(false);
			}
			List<ByteBuf> held = this.early;
			if (held != null) {
				this.early = null;
				held.forEach(ByteBuf::release);
			}
			InboundBody responseBody = this.body;
			if (responseBody != null && signal != SignalType.ON_COMPLETE) {
				responseBody.discard();
			}
		});
	}

	/**
	 * Streams the request body to the connection, one flushed chunk at a time, waiting
	 * while the connection's outbound buffer is full.
	 */
	private final class RequestBodyWriter extends BodyWriter {

		RequestBodyWriter(Channel connection) {
			super(connection);
		}

		@Override
		void write(ByteBuf chunk) {
			this.channel.writeAndFlush(new DefaultHttpContent(chunk), this.channel.voidPromise());
		}

		@Override
		void complete() {
			this.channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, this.channel.voidPromise());
			requestSent();
		}

		@Override
		void fail(Throwable failure) {
			UpstreamAttempt.this.fail(failure);
		}

		@Override
		boolean isOver() {
			return UpstreamAttempt.this.released;
		}

	}

	private static String hostOf(HttpPeer peer) {
		if (peer.isTls() && !peer.sni().isEmpty()) {
			return peer.sni();
		}
		if (peer.address() instanceof InetSocketAddress inet) {
			String host = inet.getHostString();
			return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + inet.getPort();
		}
		return "localhost";
	}

	private Mono<Void> attemptFailed(Throwable throwable) {
		ProxyError error;
		if (UpstreamErrors.isConnectFailure(throwable, this.connected)) {
			error = UpstreamErrors.classify(throwable, false, false, this.peer);
			error = this.proxy.failToConnect(this.session, this.peer, this.request.ctx, error)
				.withSource(ErrorSource.UPSTREAM);
		}
		else {
			error = UpstreamErrors.classify(throwable, true, this.responseStarted, this.peer);
			error = this.proxy.errorWhileProxy(this.peer, this.session, error, this.request.ctx, this.reused);
		}
		return Mono.error(error);
	}

	private void appendForwarded(HttpHeaders headers) {
		SocketAddress client = this.session.clientAddress();
		if (client instanceof InetSocketAddress inet && inet.getAddress() != null) {
			append(headers, "X-Forwarded-For", inet.getAddress().getHostAddress());
		}
		append(headers, "X-Forwarded-Proto", this.session.scheme());
		String host = this.session.requestHeader().host();
		if (host != null) {
			append(headers, "X-Forwarded-Host", host);
		}
	}

	private static void append(HttpHeaders headers, String name, String value) {
		List<String> existing = headers.getAll(name);
		headers.set(name, existing.isEmpty() ? value : String.join(", ", existing) + ", " + value);
	}

}
