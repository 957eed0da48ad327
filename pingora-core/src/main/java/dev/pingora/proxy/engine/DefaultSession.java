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

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.pingora.cache.Conditionals;
import dev.pingora.cache.HttpCache;
import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;
import dev.pingora.http.HopByHopHeaders;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.proxy.Session;
import dev.pingora.proxy.TimingDigest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
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
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The {@link Session} of one downstream request, over the client connection's Netty
 * channel: the request as the HTTP codec decoded it, and the response written to the
 * channel by the engine itself.
 */
final class DefaultSession implements Session, TimingDigest {

	private static final AsciiString PRIVATE_NO_STORE = AsciiString.cached("private, no-store");

	private final HttpProxy<?> engine;

	private final Channel channel;

	private final EventLoop loop;

	private final RequestHeader requestHeader;

	private final HttpVersion clientVersion;

	private final boolean hasRequestBody;

	private final boolean upgradeRequest;

	private final boolean expectContinue;

	private final long connectionAccepted;

	private final long requestHeaderRead;

	private final @Nullable InboundBody body;

	private volatile boolean keepAlive;

	private volatile @Nullable ResponseHeader responseWritten;

	private @Nullable Map<String, Object> attributes;

	private @Nullable ResponseWriter writer;

	private @Nullable ChannelFuture lastWrite;

	private volatile @Nullable Supplier<@Nullable HttpHeaders> trailers;

	private volatile boolean tunnel;

	private @Nullable RequestCache cache;

	private boolean detached;

	private final boolean http2;

	int attempts;

	@Nullable RetryBuffer retryBuffer;

	volatile long peerSelected;

	volatile long upstreamConnected;

	volatile boolean upstreamReused;

	volatile long requestSent;

	volatile long firstResponseByte;

	volatile long done;

	volatile long responseBodyBytesSent;

	DefaultSession(HttpProxy<?> engine, Channel channel, HttpRequest request, boolean lastOnConnection) {
		this.engine = engine;
		this.channel = channel;
		this.loop = channel.eventLoop();
		HttpHeaders headers = request.headers();
		this.http2 = channel instanceof Http2StreamChannel;
		if (this.http2) {
			// The HTTP/2 codec's own extension fields (stream id, scheme) are not the
			// client's: they do not go upstream.
			headers.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
			headers.remove(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text());
			headers.remove(HttpConversionUtil.ExtensionHeaderNames.PATH.text());
		}
		this.clientVersion = request.protocolVersion();
		this.requestHeader = RequestHeader.wrap(request.method(), request.uri(), this.clientVersion, headers);
		this.hasRequestBody = hasBody(headers);
		// An upgrade to h2c concerns this hop only: the connection takes it (see
		// Http2Downstream) or, when it may not, ignores it; it is never passed on.
		this.upgradeRequest = headers.contains(HttpHeaderNames.UPGRADE)
				&& headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
				&& HttpVersion.HTTP_1_1.equals(this.clientVersion)
				&& !"h2c".equalsIgnoreCase(headers.get(HttpHeaderNames.UPGRADE).trim());
		this.expectContinue = this.hasRequestBody && HttpUtil.is100ContinueExpected(request);
		// A body whose reader gave up is drained after the response (DownstreamHandler).
		this.body = this.hasRequestBody ? new InboundBody(channel, () -> {
		}) : null;
		Long accepted = channel.attr(HttpProxy.ACCEPTED).get();
		this.requestHeaderRead = engine.ticker.read();
		this.connectionAccepted = (accepted != null) ? accepted : this.requestHeaderRead;
		this.keepAlive = HttpUtil.isKeepAlive(request) && !lastOnConnection && !engine.isShuttingDown();
	}

	@Override
	public RequestHeader requestHeader() {
		return this.requestHeader;
	}

	@Override
	public @Nullable SocketAddress clientAddress() {
		return this.channel.remoteAddress();
	}

	@Override
	public @Nullable SocketAddress serverAddress() {
		return this.channel.localAddress();
	}

	@Override
	public String scheme() {
		// An HTTP/2 stream's TLS is its connection's.
		Channel connection = this.http2 ? this.channel.parent() : this.channel;
		return (connection.pipeline().get(SslHandler.class) != null) ? "https" : "http";
	}

	@Override
	public String protocol() {
		if (this.http2) {
			return "HTTP/2";
		}
		return this.clientVersion.text();
	}

	@Override
	public boolean hasRequestBody() {
		return this.hasRequestBody;
	}

	@Override
	public boolean isUpgradeRequest() {
		return this.upgradeRequest;
	}

	@Override
	public Mono<Void> respond(ResponseHeader header, ByteBuf body) {
		if (this.detached) {
			body.release();
			return Mono.empty();
		}
		return Mono.create((sink) -> onLoop(() -> {
			if (!this.channel.isActive() || !markWritten(header)) {
				body.release();
				sink.success();
				return;
			}
			this.channel.write(head(header, body.readableBytes()), this.channel.voidPromise());
			ChannelFuture written = this.channel.writeAndFlush(new DefaultLastHttpContent(body));
			this.lastWrite = written;
			written.addListener((future) -> completeWrite(future.cause(), sink));
		}));
	}

	@Override
	public Mono<Void> respond(ResponseHeader header) {
		return respond(header, Unpooled.EMPTY_BUFFER);
	}

	@Override
	public Mono<Void> respondError(int status) {
		if (isResponseWritten()) {
			return Mono.empty();
		}
		this.keepAlive = false;
		return respond(errorHeader(status));
	}

	/**
	 * The canned response when {@code proxyUpstreamFilter} declines: like an error
	 * response, but the client connection is kept.
	 */
	Mono<Void> respondDeclined(int status) {
		return respond(errorHeader(status));
	}

	private static ResponseHeader errorHeader(int status) {
		ResponseHeader header = ResponseHeader.of(status);
		header.headers()
			.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO)
			.set(HttpHeaderNames.CACHE_CONTROL, PRIVATE_NO_STORE);
		return header;
	}

	/**
	 * Write a proxied response: the header and the streamed body, chunk by chunk while
	 * the client connection can take them. Completes once the end of the response is
	 * written.
	 */
	Mono<Void> sendProxied(ResponseHeader header, Flux<ByteBuf> body) {
		if (isResponseWritten() || this.detached) {
			return body.doOnNext(ByteBuf::release).then();
		}
		return Mono.create((sink) -> onLoop(() -> {
			if (!markWritten(header)) {
				body.subscribe(ByteBuf::release, (ex) -> {
				});
				sink.success();
				return;
			}
			this.channel.write(head(header, -1), this.channel.voidPromise());
			ResponseWriter bodyWriter = new ResponseWriter(sink);
			this.writer = bodyWriter;
			sink.onCancel(bodyWriter::cancel);
			body.subscribe(bodyWriter);
		}));
	}

	/**
	 * Write a proxied response that has no body as one message: on HTTP/2 a single
	 * HEADERS frame that ends the stream, as the upstream sent it (gRPC's trailers-only
	 * answers need exactly that).
	 */
	Mono<Void> sendHeaderOnly(ResponseHeader header) {
		if (isResponseWritten() || this.detached) {
			return Mono.empty();
		}
		return Mono.create((sink) -> onLoop(() -> {
			if (!this.channel.isActive() || !markWritten(header)) {
				sink.success();
				return;
			}
			HttpResponse head = head(header, this.http2 ? -1 : 0);
			ChannelFuture written = this.channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
					head.status(), Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE));
			this.lastWrite = written;
			written.addListener((future) -> completeWrite(future.cause(), sink));
		}));
	}

	/**
	 * Answer an upgrade request with the upstream's 101 and turn both connections into a
	 * tunnel of bytes. Completes when both sides have closed.
	 * @param header the 101 response, after the phases
	 * @param upstream the upstream connection that switched protocols
	 * @param handOver detaches the upstream connection from its exchange and returns the
	 * bytes it read after the 101
	 */
	Mono<Void> sendUpgrade(ResponseHeader header, Channel upstream, Supplier<List<ByteBuf>> handOver,
			@Nullable Duration idleTimeout) {
		return Mono.create((sink) -> onLoop(() -> {
			if (!this.channel.isActive() || !markWritten(header)) {
				handOver.get().forEach(ByteBuf::release);
				upstream.close();
				sink.error(ProxyError.downstream(ErrorType.CONNECTION_CLOSED,
						"the client closed the connection before the upgrade", null));
				return;
			}
			HttpHeaders fields = header.headers();
			fields.remove(HttpHeaderNames.CONTENT_LENGTH);
			fields.remove(HttpHeaderNames.TRANSFER_ENCODING);
			this.tunnel = true;
			this.keepAlive = false;
			this.channel.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, header.nettyStatus(), fields),
					this.channel.voidPromise());
			Tunnel.open(this.channel, upstream, handOver.get(), sink, idleTimeout);
		}));
	}

	/**
	 * The response head, framed: a body whose length is known gets {@code Content-Length}
	 * (not for HEAD, whose fields describe the GET response), one of unknown length is
	 * chunked for HTTP/1.1 clients and ends with the connection for HTTP/1.0 ones.
	 * @param knownLength the body's length, or -1 when it streams
	 */
	private HttpResponse head(ResponseHeader header, long knownLength) {
		HttpHeaders fields = header.headers();
		if (!fields.contains(HttpHeaderNames.DATE)) {
			fields.set(HttpHeaderNames.DATE, HttpDate.now());
		}
		if (!fields.contains(HttpHeaderNames.CONTENT_LENGTH) && !fields.contains(HttpHeaderNames.TRANSFER_ENCODING)
				&& mayHaveBody(header.status())) {
			if (knownLength >= 0 && !isHead()) {
				fields.set(HttpHeaderNames.CONTENT_LENGTH, knownLength);
			}
			else if (HttpVersion.HTTP_1_1.equals(this.clientVersion)) {
				// A body of unknown length: frame it with chunks so the connection stays
				// usable.
				fields.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
			}
			else if (!isHead()) {
				// An HTTP/1.0 client knows the end of such a body by the close.
				this.keepAlive = false;
			}
		}
		if (!this.keepAlive || this.engine.isShuttingDown()) {
			this.keepAlive = false;
			fields.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		}
		else if (!HttpVersion.HTTP_1_1.equals(this.clientVersion)) {
			fields.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
		}
		return new DefaultHttpResponse(HttpVersion.HTTP_1_1, header.nettyStatus(), fields);
	}

	private static boolean mayHaveBody(int status) {
		return status >= 200 && status != 204 && status != 304;
	}

	private boolean isHead() {
		return HttpMethod.HEAD.equals(this.requestHeader.method());
	}

	private void completeWrite(@Nullable Throwable cause, MonoSink<Void> sink) {
		if (cause == null) {
			sink.success();
		}
		else {
			sink.error(ProxyError.downstream(ErrorType.WRITE_ERROR, "writing the response to the client", cause));
		}
	}

	/**
	 * Set where the response's trailers come from, asked once the body is complete.
	 */
	void setTrailers(Supplier<@Nullable HttpHeaders> source) {
		this.trailers = source;
	}

	/**
	 * The request body as it arrives, with read demand; the client gets its
	 * {@code 100 Continue} when it is first asked for.
	 */
	Flux<ByteBuf> requestBody() {
		InboundBody requestBody = this.body;
		if (requestBody == null) {
			return Flux.empty();
		}
		if (!this.expectContinue) {
			return requestBody;
		}
		return Flux.defer(() -> {
			onLoop(this::writeContinue);
			return requestBody;
		});
	}

	private void writeContinue() {
		if (this.responseWritten == null && this.channel.isActive()) {
			this.channel.writeAndFlush(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE),
					this.channel.voidPromise());
			this.channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, this.channel.voidPromise());
		}
	}

	@Nullable InboundBody inboundBody() {
		return this.body;
	}

	private boolean markWritten(ResponseHeader header) {
		if (this.responseWritten != null) {
			return false;
		}
		this.responseWritten = header;
		return true;
	}

	/**
	 * Forward an informational (1xx) response, such as 103 Early Hints, ahead of the
	 * final response. HTTP/1.0 clients never get one (RFC 9110 §15.2).
	 */
	void writeInformational(HttpResponse informational) {
		if (!HttpVersion.HTTP_1_1.equals(this.clientVersion) || this.detached) {
			return;
		}
		HttpHeaders headers = HopByHopHeaders.copyEndToEnd(informational.headers(), new DefaultHttpHeaders());
		DefaultHttpResponse interim = new DefaultHttpResponse(HttpVersion.HTTP_1_1, informational.status(), headers);
		onLoop(() -> {
			if (this.responseWritten == null && this.channel.isActive()) {
				this.channel.write(interim, this.channel.voidPromise());
				this.channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, this.channel.voidPromise());
			}
		});
	}

	/**
	 * The client connection can take more writes.
	 */
	void onWritable() {
		ResponseWriter bodyWriter = this.writer;
		if (bodyWriter != null) {
			bodyWriter.resume();
		}
	}

	/**
	 * Close the client connection once the response is out.
	 */
	void closeAfterResponse() {
		ChannelFuture written = this.lastWrite;
		if (written != null && !written.isDone()) {
			written.addListener(ChannelFutureListener.CLOSE);
		}
		else {
			this.channel.close();
		}
	}

	/**
	 * Close the client connection without finishing the response, so that a client never
	 * takes a truncated body for a complete one.
	 */
	void abortDownstream() {
		this.keepAlive = false;
		if (!this.detached) {
			this.channel.close();
		}
	}

	/**
	 * Whether the connection became a tunnel after a 101.
	 */
	boolean isTunnel() {
		return this.tunnel;
	}

	Channel channel() {
		return this.channel;
	}

	@Override
	public HttpCache cache() {
		RequestCache state = this.cache;
		if (state == null) {
			state = new RequestCache();
			this.cache = state;
		}
		return state;
	}

	/**
	 * The cache state, if a phase asked for it.
	 */
	@Nullable RequestCache cacheState() {
		return this.cache;
	}

	/**
	 * A session for a subrequest of this one with no client of its own (a background
	 * cache refresh): a {@code GET} of the same target with the same fields, less its
	 * body and preconditions; whatever it answers goes nowhere.
	 */
	DefaultSession detachedCopy() {
		HttpHeaders fields = new DefaultHttpHeaders().add(this.requestHeader.headers());
		fields.remove(HttpHeaderNames.CONTENT_LENGTH);
		fields.remove(HttpHeaderNames.TRANSFER_ENCODING);
		fields.remove(HttpHeaderNames.EXPECT);
		Conditionals.removePreconditions(fields);
		DefaultSession copy = new DefaultSession(this.engine, this.channel,
				new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, this.requestHeader.uri(), fields), true);
		copy.detached = true;
		return copy;
	}

	/**
	 * Whether this is a subrequest with no client.
	 */
	boolean isDetached() {
		return this.detached;
	}

	private void onLoop(Runnable task) {
		BodyWriter.onLoop(this.loop, task);
	}

	/**
	 * Writes the response body to the client connection, one chunk at a time while the
	 * connection is writable, and the end of the response (with trailers, if any) once
	 * the body completes. Writes of one event loop turn share a flush.
	 */
	private final class ResponseWriter extends BodyWriter implements Runnable {

		private final MonoSink<Void> sink;

		private boolean flushScheduled;

		private boolean ended;

		ResponseWriter(MonoSink<Void> sink) {
			super(DefaultSession.this.channel);
			this.sink = sink;
		}

		@Override
		void write(ByteBuf chunk) {
			this.channel.write(new DefaultHttpContent(chunk), this.channel.voidPromise());
			if (!this.flushScheduled) {
				this.flushScheduled = true;
				this.channel.eventLoop().execute(this);
			}
		}

		@Override
		public void run() {
			this.flushScheduled = false;
			if (!this.ended) {
				this.channel.flush();
			}
		}

		@Override
		void fail(Throwable failure) {
			this.ended = true;
			this.channel.flush();
			this.sink.error(failure);
		}

		@Override
		void complete() {
			this.ended = true;
			LastHttpContent last = LastHttpContent.EMPTY_LAST_CONTENT;
			Supplier<@Nullable HttpHeaders> source = DefaultSession.this.trailers;
			HttpHeaders fields = (source != null) ? source.get() : null;
			if (fields != null && !fields.isEmpty() && HttpVersion.HTTP_1_1.equals(DefaultSession.this.clientVersion)) {
				last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, fields);
			}
			ChannelFuture written = this.channel.writeAndFlush(last);
			DefaultSession.this.lastWrite = written;
			written.addListener((future) -> completeWrite(future.cause(), this.sink));
		}

		@Override
		boolean isOver() {
			return this.ended;
		}

	}

	@Override
	public boolean isResponseWritten() {
		return this.responseWritten != null;
	}

	@Override
	public @Nullable ResponseHeader responseWritten() {
		return this.responseWritten;
	}

	@Override
	public void setKeepAlive(boolean keepAlive) {
		this.keepAlive = keepAlive;
	}

	@Override
	public boolean isKeepAlive() {
		return this.keepAlive && !this.engine.isShuttingDown();
	}

	@Override
	public TimingDigest timing() {
		return this;
	}

	@Override
	public int attempts() {
		return this.attempts;
	}

	@Override
	public boolean isRetryBufferTruncated() {
		RetryBuffer buffer = this.retryBuffer;
		return buffer != null && buffer.isTruncated();
	}

	@Override
	public long requestBodyBytesRead() {
		RetryBuffer buffer = this.retryBuffer;
		return (buffer != null) ? buffer.bytesRead() : 0;
	}

	@Override
	public long responseBodyBytesSent() {
		return this.responseBodyBytesSent;
	}

	@Override
	public boolean isShuttingDown() {
		return this.engine.isShuttingDown();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T attribute(String name) {
		Map<String, Object> values = this.attributes;
		return (values != null) ? (T) values.get(name) : null;
	}

	@Override
	public void setAttribute(String name, @Nullable Object value) {
		if (value == null) {
			if (this.attributes != null) {
				this.attributes.remove(name);
			}
			return;
		}
		if (this.attributes == null) {
			this.attributes = new ConcurrentHashMap<>(4);
		}
		this.attributes.put(name, value);
	}

	@Override
	public String requestSummary() {
		String host = this.requestHeader.host();
		return this.requestHeader.method() + " " + this.requestHeader.path() + ", Host: "
				+ ((host != null) ? host : "");
	}

	@Override
	public long connectionAccepted() {
		return this.connectionAccepted;
	}

	@Override
	public long requestHeaderRead() {
		return this.requestHeaderRead;
	}

	@Override
	public long peerSelected() {
		return this.peerSelected;
	}

	@Override
	public long upstreamConnected() {
		return this.upstreamConnected;
	}

	@Override
	public boolean upstreamReused() {
		return this.upstreamReused;
	}

	@Override
	public long requestSent() {
		return this.requestSent;
	}

	@Override
	public long firstResponseByte() {
		return this.firstResponseByte;
	}

	@Override
	public long done() {
		return this.done;
	}

	@Override
	public String toString() {
		return requestSummary();
	}

	private static boolean hasBody(HttpHeaders headers) {
		if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
			return true;
		}
		String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
		return length != null && !"0".equals(length.trim());
	}

}
