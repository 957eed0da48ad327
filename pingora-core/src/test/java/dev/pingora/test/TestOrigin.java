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

package dev.pingora.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.reactivestreams.Publisher;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP/1.1 origin on a loopback ephemeral port, built on Reactor Netty, that
 * records the requests it gets and counts the connections it accepts.
 */
public final class TestOrigin implements AutoCloseable {

	private final DisposableServer server;

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicInteger closedConnections = new AtomicInteger();

	private final List<Recorded> requests = new CopyOnWriteArrayList<>();

	private TestOrigin(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler,
			java.util.function.UnaryOperator<HttpServer> customizer) {
		HttpServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnChannelInit((observer, channel, address) -> {
				this.connections.incrementAndGet();
				channel.closeFuture().addListener((future) -> this.closedConnections.incrementAndGet());
			})
			.handle((request, response) -> {
				this.requests.add(new Recorded(request.method(), request.uri(), request.requestHeaders().copy()));
				return handler.apply(request, response);
			});
		this.server = customizer.apply(server).bindNow();
	}

	/**
	 * Start an origin.
	 */
	public static TestOrigin start(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
		return new TestOrigin(handler, java.util.function.UnaryOperator.identity());
	}

	/**
	 * Start an origin with a customized server.
	 */
	public static TestOrigin start(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler,
			java.util.function.UnaryOperator<HttpServer> customizer) {
		return new TestOrigin(handler, customizer);
	}

	/**
	 * An origin that answers every request with 200 and the given text.
	 */
	public static TestOrigin hello(String text) {
		return start((request, response) -> response.header("Content-Type", "text/plain")
			.sendString(reactor.core.publisher.Mono.just(text)));
	}

	public int port() {
		return this.server.port();
	}

	public int connections() {
		return this.connections.get();
	}

	public int closedConnections() {
		return this.closedConnections.get();
	}

	public List<Recorded> requests() {
		return this.requests;
	}

	public Recorded lastRequest() {
		return this.requests.get(this.requests.size() - 1);
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

	/**
	 * A request as the origin received it.
	 */
	public record Recorded(HttpMethod method, String uri, HttpHeaders headers) {
	}

}
