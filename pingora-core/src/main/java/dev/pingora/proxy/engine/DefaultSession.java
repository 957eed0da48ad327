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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import dev.pingora.http.HopByHopHeaders;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.proxy.Session;
import dev.pingora.proxy.TimingDigest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * The {@link Session} of one downstream request, over Reactor Netty's server request and
 * response.
 */
final class DefaultSession implements Session, TimingDigest {

	private static final AsciiString PRIVATE_NO_STORE = AsciiString.cached("private, no-store");

	private final HttpProxy<?> engine;

	private final HttpServerRequest request;

	private final HttpServerResponse response;

	private final RequestHeader requestHeader;

	private final Channel channel;

	private final boolean hasRequestBody;

	private final boolean upgradeRequest;

	private final long connectionAccepted;

	private final long requestHeaderRead;

	private boolean keepAlive = true;

	private volatile @Nullable ResponseHeader responseWritten;

	private @Nullable Map<String, Object> attributes;

	int attempts;

	@Nullable RetryBuffer retryBuffer;

	volatile long peerSelected;

	volatile long upstreamConnected;

	volatile boolean upstreamReused;

	volatile long requestSent;

	volatile long firstResponseByte;

	volatile long done;

	volatile long responseBodyBytesSent;

	DefaultSession(HttpProxy<?> engine, HttpServerRequest request, HttpServerResponse response) {
		this.engine = engine;
		this.request = request;
		this.response = response;
		Channel[] holder = new Channel[1];
		request.withConnection((connection) -> holder[0] = connection.channel());
		this.channel = holder[0];
		HttpHeaders headers = request.requestHeaders();
		this.requestHeader = RequestHeader.wrap(request.method(), request.uri(), request.version(), headers);
		this.hasRequestBody = hasBody(headers);
		this.upgradeRequest = headers.contains(HttpHeaderNames.UPGRADE)
				&& headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
		Long accepted = this.channel.attr(HttpProxy.ACCEPTED).get();
		this.requestHeaderRead = engine.ticker.read();
		this.connectionAccepted = (accepted != null) ? accepted : this.requestHeaderRead;
		if (engine.isShuttingDown()) {
			this.keepAlive = false;
		}
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
		return this.request.scheme();
	}

	@Override
	public boolean hasRequestBody() {
		return this.hasRequestBody;
	}

	@Override
	public boolean isUpgradeRequest() {
		return this.upgradeRequest;
	}

	/**
	 * Whether this is a WebSocket handshake ({@code Upgrade: websocket} on a GET).
	 */
	boolean isWebsocketRequest() {
		return this.upgradeRequest && HttpMethod.GET.equals(this.request.method()) && HttpHeaderValues.WEBSOCKET
			.contentEqualsIgnoreCase(this.requestHeader.header(HttpHeaderNames.UPGRADE));
	}

	@Override
	public Mono<Void> respond(ResponseHeader header, ByteBuf body) {
		return Mono.defer(() -> {
			if (!this.channel.isActive() || !markWritten(header)) {
				body.release();
				return Mono.empty();
			}
			writeHeader(header);
			return this.response.send(Mono.just(body)).then();
		});
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
	 * Write a proxied response: the header (whose fields are the server response's own)
	 * and the streamed body.
	 */
	Mono<Void> sendProxied(ResponseHeader header, Flux<ByteBuf> body) {
		if (!markWritten(header)) {
			return body.doOnNext(ByteBuf::release).then();
		}
		writeHeader(header);
		return this.response.send(body).then();
	}

	/**
	 * Answer the client's WebSocket handshake with 101 (the header's fields included) and
	 * run the handler on the upgraded connection.
	 */
	Mono<Void> sendWebsocket(ResponseHeader header, @Nullable String protocol,
			BiFunction<? super WebsocketInbound, ? super WebsocketOutbound, ? extends Publisher<Void>> handler) {
		if (!markWritten(header)) {
			return Mono.empty();
		}
		HttpHeaders fields = this.response.responseHeaders();
		if (header.headers() != fields) {
			fields.set(header.headers());
		}
		WebsocketServerSpec.Builder spec = WebsocketServerSpec.builder()
			.maxFramePayloadLength(16 * 1024 * 1024)
			.handlePing(false);
		if (protocol != null) {
			spec.protocols(protocol);
		}
		// sendWebsocket completes once the upgrade is done; the request lasts until the
		// relay ends.
		Sinks.Empty<Void> relayDone = Sinks.empty();
		return this.response
			.sendWebsocket(
					(in, out) -> Flux.from(handler.apply(in, out)).doFinally((signal) -> relayDone.tryEmitEmpty()),
					spec.build())
			.then(relayDone.asMono());
	}

	/**
	 * Return the response header fields that go to the client, to fill from the upstream
	 * response.
	 */
	HttpHeaders responseHeaders() {
		return this.response.responseHeaders();
	}

	HttpServerResponse response() {
		return this.response;
	}

	Flux<ByteBuf> requestBody() {
		return this.request.receive().retain();
	}

	private boolean markWritten(ResponseHeader header) {
		if (this.responseWritten != null) {
			return false;
		}
		this.responseWritten = header;
		return true;
	}

	private void writeHeader(ResponseHeader header) {
		HttpHeaders fields = this.response.responseHeaders();
		if (header.headers() != fields) {
			fields.set(header.headers());
		}
		if (!fields.contains(HttpHeaderNames.DATE)) {
			fields.set(HttpHeaderNames.DATE, HttpDate.now());
		}
		if (!fields.contains(HttpHeaderNames.CONTENT_LENGTH) && HttpVersion.HTTP_1_1.equals(this.request.version())) {
			// A body of unknown length: frame it with chunks so the connection stays
			// usable.
			fields.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
		}
		this.response.status(header.nettyStatus());
		if (!this.keepAlive || this.engine.isShuttingDown()) {
			this.keepAlive = false;
			this.response.keepAlive(false);
		}
	}

	/**
	 * Forward an informational (1xx) response, such as 103 Early Hints, ahead of the
	 * final response. HTTP/1.0 clients never get one (RFC 9110 §15.2).
	 */
	void writeInformational(HttpResponse informational) {
		if (this.responseWritten != null || !HttpVersion.HTTP_1_1.equals(this.request.version())) {
			return;
		}
		// Written below Reactor Netty's traffic handler, which would take the end of the
		// interim response for the end of the exchange (and close a non-persistent
		// connection before the final response).
		ChannelHandlerContext traffic = this.channel.pipeline().context(NettyPipeline.HttpTrafficHandler);
		if (traffic == null) {
			return;
		}
		HttpHeaders headers = HopByHopHeaders.copyEndToEnd(informational.headers(), new DefaultHttpHeaders());
		traffic.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, informational.status(), headers));
		traffic.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
	}

	/**
	 * Close the client connection without finishing the response, so that a client never
	 * takes a truncated body for a complete one.
	 */
	void abortDownstream() {
		this.keepAlive = false;
		this.channel.close();
	}

	Channel channel() {
		return this.channel;
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
