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

package dev.pingora.proxy;

import java.net.SocketAddress;

import dev.pingora.cache.HttpCache;
import dev.pingora.http.RequestHeader;
import dev.pingora.http.ResponseHeader;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One downstream request as the phases see it: its header, its connection, the response
 * written so far and how long each step took. The engine creates one per request and
 * passes it to every phase of {@link ProxyHttp}.
 *
 * <p>
 * A session is used by one request at a time. Header phases run one after the other, so
 * they may read and change it without locking; the request body phase may run while the
 * response phases run (full duplex), so state it shares with them needs care.
 *
 * <p>
 * Pingora counterpart: {@code pingora_proxy::Session}.
 *
 * @since 0.1.0
 */
public interface Session {

	/**
	 * Return the downstream request header. It is mutable: what a phase changes here
	 * before the upstream attempt is what the upstream request is built from.
	 * @return the request header
	 */
	RequestHeader requestHeader();

	/**
	 * Return the address of the client.
	 * @return the client address, or {@code null} if unknown
	 */
	@Nullable SocketAddress clientAddress();

	/**
	 * Return the local address the request arrived on.
	 * @return the server address, or {@code null} if unknown
	 */
	@Nullable SocketAddress serverAddress();

	/**
	 * Return the scheme of the downstream connection.
	 * @return {@code "http"} or {@code "https"}
	 */
	String scheme();

	/**
	 * Return the protocol the client speaks: {@code HTTP/1.1}, {@code HTTP/1.0} or
	 * {@code HTTP/2}. (The request header's version is HTTP/1.1 for an HTTP/2 request:
	 * the phases see every request the same way.)
	 * @return the protocol
	 */
	String protocol();

	/**
	 * Whether the request carries a body (a {@code Content-Length} above zero or a
	 * chunked {@code Transfer-Encoding}).
	 * @return {@code true} if a body follows the header
	 */
	boolean hasRequestBody();

	/**
	 * Whether the request asks to switch protocols ({@code Connection: upgrade} with an
	 * {@code Upgrade} header), as WebSocket handshakes do.
	 * @return {@code true} for an upgrade request
	 */
	boolean isUpgradeRequest();

	/**
	 * Write a complete response to the client, typically from {@code requestFilter}
	 * followed by returning {@code true}. Does nothing if a response header was already
	 * written.
	 * @param header the response header
	 * @param body the body; ownership passes to the session, which releases it
	 * @return completes when the response has been written
	 */
	Mono<Void> respond(ResponseHeader header, ByteBuf body);

	/**
	 * Write a response without a body.
	 * @param header the response header
	 * @return completes when the response has been written
	 */
	Mono<Void> respond(ResponseHeader header);

	/**
	 * Write a small error response: the status, {@code Content-Length: 0},
	 * {@code Cache-Control: private, no-store}, and {@code Connection: close}. Does
	 * nothing if a response header was already written.
	 * @param status the status code
	 * @return completes when the response has been written
	 */
	Mono<Void> respondError(int status);

	/**
	 * Whether a response header has been written (or is being written) downstream.
	 * @return {@code true} once a final response header was handed to the connection
	 */
	boolean isResponseWritten();

	/**
	 * Return the response header written downstream.
	 * @return the header, or {@code null} if none was written
	 */
	@Nullable ResponseHeader responseWritten();

	/**
	 * Set whether the client connection may serve another request after this one.
	 * @param keepAlive {@code false} to close the connection after the response
	 */
	void setKeepAlive(boolean keepAlive);

	/**
	 * Whether the client connection will be kept open after this response.
	 * @return {@code true} if the connection may be reused
	 */
	boolean isKeepAlive();

	/**
	 * Return the timings of this request.
	 * @return the timing digest
	 */
	TimingDigest timing();

	/**
	 * Return the number of upstream attempts made so far.
	 * @return the number of times {@code upstreamPeer} was called
	 */
	int attempts();

	/**
	 * Whether the request body outgrew the retry buffer, so that it can no longer be
	 * replayed to another upstream.
	 * @return {@code true} if a retry can no longer resend the body
	 */
	boolean isRetryBufferTruncated();

	/**
	 * Return the number of request body bytes read from the client.
	 * @return the byte count
	 */
	long requestBodyBytesRead();

	/**
	 * Return the number of response body bytes handed to the client connection.
	 * @return the byte count
	 */
	long responseBodyBytesSent();

	/**
	 * Whether the server is shutting down; responses then close their connections.
	 * @return {@code true} during a graceful shutdown
	 */
	boolean isShuttingDown();

	/**
	 * Return a per-request attribute: state that {@link ProxyFilter}s (which have no
	 * context object of their own) and the proxy share for the length of the request.
	 * @param <T> the expected type
	 * @param name the attribute name; use a prefix of your own, the engine's start with
	 * {@code pingora.}
	 * @return the value, or {@code null} if it is not set
	 */
	<T> @Nullable T attribute(String name);

	/**
	 * Set or, with {@code null}, remove a per-request attribute.
	 * @param name the attribute name
	 * @param value the value, or {@code null} to remove it
	 */
	void setAttribute(String name, @Nullable Object value);

	/**
	 * Return the cache's state for this request: a phase enables caching with it (see
	 * {@link ProxyHttp#requestCacheFilter}), later phases see the cache phase and key.
	 * @return the request's cache state
	 */
	HttpCache cache();

	/**
	 * Return a one-line description of the request for logs, such as
	 * {@code GET /path, Host: example.com}.
	 * @return the summary
	 */
	String requestSummary();

}
