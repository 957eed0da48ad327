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

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

import dev.pingora.internal.Monos;
import dev.pingora.error.ErrorSource;
import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;
import dev.pingora.http.HopByHopHeaders;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import dev.pingora.proxy.ProxyHttp;
import dev.pingora.upstream.HttpPeer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.NettyOutbound;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One upstream attempt of a request (Pingora's {@code proxy_to_upstream}): get a
 * connection to the peer, run the connection and upstream request phases, stream the
 * request body, then the response phases and the response body. Failures go through
 * {@code failToConnect} (nothing was sent) or {@code errorWhileProxy} (something may have
 * been) before the retry decision in {@link ProxyRequest}.
 *
 * @param <C> the type of the per-request context
 */
final class UpstreamAttempt<C> {

	private static final int MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

	private final ProxyRequest<C> request;

	private final ProxyHttp<C> proxy;

	private final DefaultSession session;

	private final HttpPeer peer;

	private final boolean fresh;

	private volatile boolean connected;

	private volatile boolean reused;

	private volatile boolean responseStarted;

	private volatile boolean responseComplete;

	private volatile @Nullable Channel channel;

	private String clientUri = "/";

	private volatile @Nullable HttpMethod method;

	private volatile @Nullable String uri;

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
		HttpClient client = this.request.engine.connector.cachedClient(this.peer, this.fresh);
		if (client != null) {
			return exchange(client);
		}
		return newClient(this.fresh).flatMap(this::exchange);
	}

	private Mono<HttpClient> newClient(boolean fresh) {
		return this.request.engine.connector.client(this.peer, fresh)
			.onErrorMap((ex) -> ProxyError.internal("cannot set up a client for peer " + this.peer, ex));
	}

	private Mono<Void> exchange(HttpClient client) {
		RequestHeader downstream = this.session.requestHeader();
		// Reactor Netty must get an origin-form target: given an absolute URL it would
		// connect
		// to that URL's host instead of the peer. The target actually sent is written by
		// UpstreamChannelHandler (see applyRequestLine).
		this.clientUri = clientUri(downstream.originForm());
		Mono<Void> exchange = client.request(downstream.method())
			.uri(this.clientUri)
			.send(this::send)
			.responseConnection(this::receive)
			.then();
		Duration budget = this.peer.options().totalConnectionTimeout();
		if (budget != null) {
			exchange = Mono.firstWithSignal(exchange, connectDeadline(budget));
		}
		return exchange.onErrorResume(this::failed).doFinally((signal) -> {
			Channel connection = this.channel;
			if (connection != null) {
				UpstreamChannelHandler.unbind(connection, this);
			}
		});
	}

	/**
	 * Proxy a WebSocket handshake and then its frames. The upstream handshake is done
	 * first, on a connection of its own (upgraded connections never go back to the pool);
	 * the client gets its 101 only once the upstream accepted. Because the handshake
	 * request is sent when the connection opens, {@code upstreamRequestFilter} runs
	 * before {@code connectedToUpstream} on this path.
	 */
	Mono<Void> runWebsocket() {
		HttpClient client = this.request.engine.connector.cachedClient(this.peer, true);
		if (client != null) {
			return websocket(client);
		}
		return newClient(true).flatMap(this::websocket);
	}

	private Mono<Void> websocket(HttpClient client) {
		RequestHeader downstream = this.session.requestHeader();
		HttpHeaders headers = HopByHopHeaders.copyEndToEnd(downstream.headers(), new DefaultHttpHeaders(),
				HttpHeaderNames.SEC_WEBSOCKET_KEY, HttpHeaderNames.SEC_WEBSOCKET_VERSION,
				HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
		if (this.request.engine.settings.forwardedHeaders()) {
			appendForwarded(headers);
		}
		if (!headers.contains(HttpHeaderNames.HOST)) {
			headers.set(HttpHeaderNames.HOST, hostOf(this.peer));
		}
		RequestHeader upstream = RequestHeader.wrap(downstream.method(), downstream.originForm(), HttpVersion.HTTP_1_1,
				headers);
		String protocols = downstream.header(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
		WebsocketClientSpec.Builder spec = WebsocketClientSpec.builder()
			.maxFramePayloadLength(MAX_FRAME_PAYLOAD)
			.handlePing(false);
		if (protocols != null) {
			spec.protocols(protocols);
		}
		Mono<Void> exchange = Monos.then(this.proxy.upstreamRequestFilter(this.session, upstream, this.request.ctx),
				() -> client.headers((outgoing) -> outgoing.set(upstream.headers()))
					.websocket(spec.build())
					.uri(clientUri(upstream.originForm()))
					.handle(this::relay)
					.then());
		return exchange.onErrorResume(this::failed);
	}

	private Publisher<Void> relay(WebsocketInbound upstreamIn, WebsocketOutbound upstreamOut) {
		this.connected = true;
		this.responseStarted = true;
		long now = this.request.engine.ticker.read();
		this.session.upstreamConnected = now;
		this.session.firstResponseByte = now;
		return Monos.then(this.proxy.connectedToUpstream(this.session, false, this.peer, this.request.ctx), () -> {
			HttpHeaders headers = HopByHopHeaders.copyEndToEnd(upstreamIn.headers(), this.session.responseHeaders(),
					HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL,
					HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, HttpHeaderNames.CONTENT_LENGTH);
			ResponseHeader response = ResponseHeader.wrap(101, HttpVersion.HTTP_1_1, headers);
			return Monos.then(this.proxy.upstreamResponseFilter(this.session, response, this.request.ctx),
					() -> Monos.then(this.proxy.responseFilter(this.session, response, this.request.ctx),
							() -> this.session.sendWebsocket(response, upstreamIn.selectedSubprotocol(), (clientIn,
									clientOut) -> WebsocketRelay.relay(clientIn, clientOut, upstreamIn, upstreamOut))));
		});
	}

	private static String clientUri(String target) {
		return (target.startsWith("/") && target.indexOf(' ') < 0) ? target : "/";
	}

	private Mono<Void> connectDeadline(Duration budget) {
		return Mono.delay(budget)
			.flatMap(
					(tick) -> this.connected ? Mono.never() : Mono.error(ProxyError.upstream(ErrorType.CONNECT_TIMEDOUT,
							"peer " + this.peer + ", no connection within " + budget.toMillis() + " ms", null)));
	}

	private Publisher<Void> send(HttpClientRequest clientRequest, NettyOutbound outbound) {
		outbound.withConnection((connection) -> this.channel = connection.channel());
		Channel connection = this.channel;
		this.reused = (connection != null) && UpstreamChannelHandler.bind(connection, this);
		this.connected = true;
		this.session.upstreamConnected = this.request.engine.ticker.read();
		this.session.upstreamReused = this.reused;
		return Monos.then(this.proxy.connectedToUpstream(this.session, this.reused, this.peer, this.request.ctx),
				() -> prepareRequest(clientRequest, outbound));
	}

	private Mono<Void> prepareRequest(HttpClientRequest clientRequest, NettyOutbound outbound) {
		RequestHeader downstream = this.session.requestHeader();
		HttpHeaders headers = HopByHopHeaders.copyEndToEnd(downstream.headers(), clientRequest.requestHeaders());
		if (this.session.hasRequestBody() && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
			headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
		}
		if (!headers.contains(HttpHeaderNames.HOST)) {
			// An HTTP/1.0 client may send no Host; HTTP/1.1 upstreams require one.
			headers.set(HttpHeaderNames.HOST, hostOf(this.peer));
		}
		if (this.request.engine.settings.forwardedHeaders()) {
			appendForwarded(headers);
		}
		RequestHeader upstream = RequestHeader.wrap(downstream.method(), downstream.originForm(), HttpVersion.HTTP_1_1,
				headers);
		return Monos.then(this.proxy.upstreamRequestFilter(this.session, upstream, this.request.ctx),
				() -> writeRequest(clientRequest, outbound, upstream));
	}

	private Mono<Void> writeRequest(HttpClientRequest clientRequest, NettyOutbound outbound, RequestHeader upstream) {
		frame(upstream.headers());
		if (!upstream.method().equals(clientRequest.method())) {
			this.method = upstream.method();
		}
		if (!upstream.uri().equals(this.clientUri)) {
			this.uri = upstream.uri();
		}
		Duration readTimeout = this.peer.options().readTimeout();
		if (readTimeout != null) {
			clientRequest.responseTimeout(readTimeout);
		}
		Flux<ByteBuf> body = this.request.upstreamBody();
		if (body == null) {
			this.request.filterEmptyRequestBody();
			this.session.requestSent = this.request.engine.ticker.read();
			return Mono.empty();
		}
		return outbound.send(body)
			.then()
			.doOnSuccess((done) -> this.session.requestSent = this.request.engine.ticker.read());
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

	/**
	 * Set the request line this attempt decided on, just before it is encoded.
	 */
	void applyRequestLine(HttpRequest request) {
		HttpMethod override = this.method;
		if (override != null) {
			request.setMethod(override);
		}
		String target = this.uri;
		if (target != null) {
			request.setUri(target);
		}
	}

	/**
	 * Forward an interim response of the upstream to the client.
	 */
	void onInformational(HttpResponse response) {
		this.session.writeInformational(response);
	}

	private Publisher<Void> receive(HttpClientResponse clientResponse, Connection connection) {
		this.responseStarted = true;
		this.session.firstResponseByte = this.request.engine.ticker.read();
		HttpResponseStatus status = clientResponse.status();
		HttpHeaders headers = HopByHopHeaders.copyEndToEnd(clientResponse.responseHeaders(),
				this.session.responseHeaders());
		ResponseHeader response = ResponseHeader.wrap(status.code(), HttpVersion.HTTP_1_1, headers);
		if (!status.reasonPhrase().equals(HttpResponseStatus.valueOf(status.code()).reasonPhrase())) {
			response.setReason(status.reasonPhrase());
		}
		if (headers.contains(HttpHeaderNames.TRAILER)) {
			forwardTrailers(clientResponse);
		}
		Flux<ByteBuf> body = this.request
			.downstreamBody(connection.inbound()
				.receive()
				.retain()
				.onErrorMap((ex) -> UpstreamErrors.classify(ex, true, true, this.peer)))
			.doOnComplete(() -> this.responseComplete = true);
		return Monos.then(this.proxy.upstreamResponseFilter(this.session, response, this.request.ctx), () -> Monos
			.then(this.proxy.responseFilter(this.session, response, this.request.ctx), () -> this.session
				.sendProxied(response, body)
				.onErrorMap((ex) -> !(ex instanceof ProxyError),
						(ex) -> ProxyError.downstream(ErrorType.WRITE_ERROR, "writing the response to the client", ex))
				.then(Mono.defer(this::checkResponseComplete))));
	}

	/**
	 * Reactor Netty completes a send quietly when the client connection closes under it;
	 * a body that did not reach its end means the client went away.
	 */
	private Mono<Void> checkResponseComplete() {
		if (this.responseComplete) {
			return Mono.empty();
		}
		return Mono.error(ProxyError.downstream(ErrorType.CONNECTION_CLOSED,
				"the client closed the connection before the response was complete", null));
	}

	private void forwardTrailers(HttpClientResponse clientResponse) {
		HttpHeaders[] received = new HttpHeaders[1];
		clientResponse.trailerHeaders().subscribe((trailers) -> received[0] = trailers);
		this.session.response().trailerHeaders((outgoing) -> {
			HttpHeaders trailers = received[0];
			if (trailers == null || trailers.isEmpty()) {
				return;
			}
			try {
				this.proxy.upstreamResponseTrailerFilter(this.session, trailers, this.request.ctx);
				this.proxy.responseTrailerFilter(this.session, trailers, this.request.ctx);
				outgoing.set(trailers);
			}
			catch (RuntimeException ex) {
				org.slf4j.LoggerFactory.getLogger("dev.pingora.proxy")
					.warn("trailer phase failed, trailers dropped ({})", this.session.requestSummary(), ex);
			}
		});
	}

	private Mono<Void> failed(Throwable throwable) {
		ProxyError error;
		if (throwable instanceof WebSocketClientHandshakeException handshake) {
			// The upstream answered the handshake with something other than 101: pass its
			// status on rather than treating a live upstream as unreachable.
			int status = handshake.response().status().code();
			error = ProxyError.status((status >= 200) ? status : 502,
					"peer " + this.peer + " refused the WebSocket handshake with " + status);
		}
		else if (UpstreamErrors.isConnectFailure(throwable, this.connected)) {
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
