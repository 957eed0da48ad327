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

import java.io.BufferedReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import dev.pingora.http.RequestHeader;
import dev.pingora.server.Server;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.test.TestResources;
import dev.pingora.test.RawOrigin;
import dev.pingora.test.TestOrigin;
import dev.pingora.upstream.HttpPeer;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.http.server.WebsocketServerSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for HTTP/1.1 proxying semantics: connection reuse, bodiless responses, hop-by-hop
 * fields, forwarded headers, 100-continue, interim responses, trailers and WebSocket.
 */
class Http1Tests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private Server gateway;

	@Test
	void clientConnectionsAreKeptAlive() {
		TestOrigin origin = start(TestOrigin.hello("alive"));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			for (int i = 0; i < 5; i++) {
				RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
				assertThat(response.text()).isEqualTo("alive");
				assertThat(response.header("Connection")).isNull();
			}
			assertThat(client.isClosedByPeer(200)).isFalse();
		}
	}

	@Test
	void anIdleClientConnectionClosesAfterTheKeepaliveTimeoutButNotDuringAnExchange() {
		Sinks.Empty<Void> answer = Sinks.empty();
		TestOrigin origin = start(TestOrigin
			.start((request, response) -> answer.asMono().then(response.sendString(Mono.just("late")).then())));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()),
				(conf) -> conf.keepaliveTimeout(Duration.ofMillis(200)));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
			// Four keep-alive timeouts with a request in progress: the connection stays.
			assertThat(client.isClosedByPeer(800)).isFalse();
			answer.tryEmitEmpty();
			assertThat(client.read(false).text()).isEqualTo("late");
			// Idle now: closed after the keep-alive timeout.
			await().atMost(Duration.ofSeconds(5)).until(() -> client.isClosedByPeer(100));
		}
	}

	@Test
	void headAndNoContentAndNotModifiedCarryNoBody() {
		TestOrigin origin = start(TestOrigin.start((request, response) -> switch (request.uri()) {
			case "/204" -> response.status(204).send();
			case "/304" -> response.status(304).header("ETag", "\"v1\"").send();
			default -> response.sendString(Mono.just("hello"));
		}));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response head = client.exchange("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(head.status()).isEqualTo(200);
			assertThat(head.header("Transfer-Encoding")).isEqualTo("chunked");
			assertThat(head.header("Connection")).isNull();
			RawHttpClient.Response noContent = client.exchange("GET /204 HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(noContent.status()).isEqualTo(204);
			assertThat(noContent.header("Transfer-Encoding")).isNull();
			RawHttpClient.Response notModified = client
				.exchange("GET /304 HTTP/1.1\r\nHost: a\r\nIf-None-Match: \"v1\"\r\n\r\n");
			assertThat(notModified.status()).isEqualTo(304);
			assertThat(notModified.header("ETag")).isEqualTo("\"v1\"");
			// The framing held: the same connection still carries a normal exchange.
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("hello");
		}
	}

	@Test
	void hopByHopFieldsAreRemovedInBothDirections() throws Exception {
		AtomicReference<List<String>> seen = new AtomicReference<>();
		RawOrigin origin = start(RawOrigin.start((socket, index) -> {
			BufferedReader reader = RawOrigin.reader(socket);
			seen.set(RawOrigin.readHead(reader));
			RawOrigin.write(socket,
					"HTTP/1.1 200 OK\r\nConnection: X-Resp-Hop\r\nX-Resp-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
							+ "Proxy-Connection: keep-alive\r\nX-End: kept\r\nContent-Length: 2\r\n\r\nok");
		}));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET /h HTTP/1.1\r\nHost: a\r\n"
					+ "Connection: keep-alive, X-Hop\r\nX-Hop: secret\r\nKeep-Alive: timeout=5\r\n"
					+ "Proxy-Connection: keep-alive\r\nTE: trailers\r\nX-End: kept\r\n\r\n");
			assertThat(response.text()).isEqualTo("ok");
			assertThat(response.headers()).doesNotContainKeys("X-Resp-Hop", "Keep-Alive", "Proxy-Connection");
			assertThat(response.header("X-End")).isEqualTo("kept");
		}
		assertThat(seen.get()).noneMatch((line) -> line.regionMatches(true, 0, "X-Hop", 0, 5))
			.noneMatch((line) -> line.regionMatches(true, 0, "Keep-Alive", 0, 10))
			.noneMatch((line) -> line.regionMatches(true, 0, "Proxy-Connection", 0, 16))
			.noneMatch((line) -> line.regionMatches(true, 0, "TE:", 0, 3))
			.contains("X-End: kept");
	}

	@Test
	void hostPassesUnchangedAndNothingIsAddedUnlessForwardedHeadersAreOn() {
		TestOrigin origin = start(TestOrigin.hello("host"));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.exchange("GET /x?y=1 HTTP/1.1\r\nHost: api.example.test:8443\r\n\r\n");
		}
		TestOrigin.Recorded recorded = origin.lastRequest();
		assertThat(recorded.uri()).isEqualTo("/x?y=1");
		assertThat(recorded.headers().getAll("Host")).containsExactly("api.example.test:8443");
		assertThat(recorded.headers().names()).map(String::toLowerCase)
			.containsExactly("host")
			.doesNotContain("user-agent", "accept", "x-forwarded-for");
	}

	@Test
	void forwardedHeadersAreAppendedWhenEnabled() {
		TestOrigin origin = start(TestOrigin.hello("forwarded"));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()),
				(conf) -> conf.forwardedHeaders(true));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.exchange("GET / HTTP/1.1\r\nHost: api.example.test\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n");
		}
		TestOrigin.Recorded recorded = origin.lastRequest();
		assertThat(recorded.headers().get("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
		assertThat(recorded.headers().get("X-Forwarded-Proto")).isEqualTo("http");
		assertThat(recorded.headers().get("X-Forwarded-Host")).isEqualTo("api.example.test");
	}

	@Test
	void upstreamRequestFilterCanRewriteTheRequestLine() {
		TestOrigin origin = start(TestOrigin.hello("rewritten"));
		ProxyHttp<Object> proxy = new ForwardingProxy(origin.port()) {

			@Override
			public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, Object ctx) {
				upstreamRequest.setUri(upstreamRequest.uri().replaceFirst("^/api", "/v1"))
					.setMethod(HttpMethod.PUT)
					.setHeader("x-added", "yes");
				return Mono.empty();
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET /api/items?q=1 HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("rewritten");
		}
		TestOrigin.Recorded recorded = origin.lastRequest();
		assertThat(recorded.method()).isEqualTo(HttpMethod.PUT);
		assertThat(recorded.uri()).isEqualTo("/v1/items?q=1");
		assertThat(recorded.headers().get("x-added")).isEqualTo("yes");
	}

	@Test
	void expectContinueGetsA100BeforeTheBodyIsSent() {
		TestOrigin origin = start(TestOrigin.start((request, response) -> response.send(request.receive().retain())));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
			assertThat(client.readHead().status()).isEqualTo(100);
			client.send("hello");
			RawHttpClient.Response response = client.read(false);
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("hello");
		}
	}

	@Test
	void earlyHintsReachTheClientBeforeTheFinalResponse() {
		RawOrigin origin = start(RawOrigin.start((socket, index) -> {
			BufferedReader reader = RawOrigin.reader(socket);
			while (RawOrigin.readHead(reader) != null) {
				RawOrigin.write(socket, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
				RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
			}
		}));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			for (int i = 0; i < 2; i++) {
				RawHttpClient.Response response = client.exchange("GET /page HTTP/1.1\r\nHost: a\r\n\r\n");
				assertThat(response.interim()).hasSize(1);
				assertThat(response.interim().get(0).status()).isEqualTo(103);
				assertThat(response.interim().get(0).header("Link")).isEqualTo("</style.css>; rel=preload");
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.text()).isEqualTo("final");
			}
		}
		assertThat(origin.connections()).isEqualTo(1);
	}

	@Test
	void declaredTrailersPassThrough() {
		RawOrigin origin = start(RawOrigin.start((socket, index) -> {
			RawOrigin.readHead(RawOrigin.reader(socket));
			RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
					+ "5\r\nhello\r\n0\r\nX-Checksum: 5d41402a\r\n\r\n");
		}));
		RecordingTrailers proxy = new RecordingTrailers(origin.port());
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\nTE: trailers\r\n\r\n");
			assertThat(response.text()).isEqualTo("hello");
			assertThat(response.trailers()).containsKey("X-Checksum");
			assertThat(response.trailers().get("X-Checksum")).containsExactly("5d41402a");
		}
		await().until(() -> proxy.trailerPhases == 2);
	}

	@Test
	void webSocketFramesAndCloseStatusPassBothWays() {
		AtomicReference<WebSocketCloseStatus> closeSeenByOrigin = new AtomicReference<>();
		TestOrigin origin = start(TestOrigin.start((request, response) -> response.sendWebsocket((in, out) -> {
			in.receiveCloseStatus().subscribe(closeSeenByOrigin::set);
			return out.send(in.receive().retain().map((buffer) -> buffer));
		}, WebsocketServerSpec.builder().protocols("chat").build())));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		List<String> echoed = HttpClient.create()
			.websocket(WebsocketClientSpec.builder().protocols("chat, superchat").build())
			.uri("ws://127.0.0.1:" + this.gateway.port() + "/ws")
			.handle((in, out) -> {
				assertThat(in.selectedSubprotocol()).isEqualTo("chat");
				// Read without cancelling: a cancelled inbound makes the client close at
				// once.
				List<String> messages = new CopyOnWriteArrayList<>();
				Sinks.Empty<Void> both = Sinks.empty();
				in.receive().asString().subscribe((message) -> {
					messages.add(message);
					if (messages.size() == 2) {
						both.tryEmitEmpty();
					}
				});
				return out.sendString(Flux.just("hello", "again"))
					.then()
					.then(both.asMono())
					.then(Mono.defer(() -> out.sendClose(4000, "bye")))
					.thenReturn(messages);
			})
			.blockFirst(Duration.ofSeconds(10));
		assertThat(echoed).containsExactly("hello", "again");
		await().untilAsserted(() -> {
			assertThat(closeSeenByOrigin.get()).isNotNull();
			assertThat(closeSeenByOrigin.get().code()).isEqualTo(4000);
		});
	}

	@Test
	void anAbsoluteFormTargetGoesToThePeerInOriginForm() {
		TestOrigin origin = start(TestOrigin.hello("peer"));
		TestOrigin elsewhere = start(TestOrigin.hello("elsewhere"));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET http://127.0.0.1:" + elsewhere.port()
					+ "/path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:" + elsewhere.port() + "\r\n\r\n");
			assertThat(response.text()).isEqualTo("peer");
		}
		assertThat(origin.lastRequest().uri()).isEqualTo("/path?q=1");
		assertThat(elsewhere.requests()).isEmpty();
	}

	@Test
	void aWebSocketHandshakeWithAnAbsoluteTargetStillGoesToThePeer() {
		TestOrigin origin = start(TestOrigin
			.start((request, response) -> response.sendWebsocket((in, out) -> out.send(in.receive().retain()))));
		TestOrigin elsewhere = start(TestOrigin.hello("elsewhere"));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET http://127.0.0.1:" + elsewhere.port()
					+ "/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
			assertThat(response.status()).isEqualTo(101);
		}
		assertThat(origin.lastRequest().uri()).isEqualTo("/ws");
		assertThat(elsewhere.requests()).isEmpty();
	}

	@Test
	void anUpstreamThatRefusesTheWebSocketHandshakeAnswersWithItsStatus() throws Exception {
		TestOrigin origin = start(TestOrigin.start((request, response) -> response.status(404).send()));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
					+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
					+ "Sec-WebSocket-Version: 13\r\n\r\n");
			assertThat(response.status()).isEqualTo(404);
		}
		assertThat(proxy.next().phases).doesNotContain("failToConnect");
	}

	@Test
	void aBodyWhoseLengthAFilterRemovedGoesChunked() {
		TestOrigin origin = start(TestOrigin.start((request, response) -> response.send(request.receive().retain())));
		ProxyHttp<Object> proxy = new ForwardingProxy(origin.port()) {

			@Override
			public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, Object ctx) {
				upstreamRequest.removeHeader("Content-Length");
				return Mono.empty();
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client
				.exchange("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
			assertThat(response.text()).isEqualTo("hello");
		}
		assertThat(origin.lastRequest().headers().get("Transfer-Encoding")).isEqualTo("chunked");
	}

	@Test
	void anHttp10RequestWithoutHostReachesTheUpstreamWithOne() {
		TestOrigin origin = start(TestOrigin.hello("old client"));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET / HTTP/1.0\r\n\r\n").text()).isEqualTo("old client");
		}
		assertThat(origin.lastRequest().headers().get("Host")).isEqualTo("127.0.0.1:" + origin.port());
	}

	@Test
	void earlyHintsDoNotEndANonPersistentConnectionBeforeTheFinalResponse() {
		RawOrigin origin = start(RawOrigin.start((socket, index) -> {
			RawOrigin.readHead(RawOrigin.reader(socket));
			RawOrigin.write(socket, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n");
			RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
		}));
		this.gateway = this.resources.gateway(new ForwardingProxy(origin.port()));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
			assertThat(response.interim()).extracting(RawHttpClient.Response::status).containsExactly(103);
			assertThat(response.text()).isEqualTo("final");
		}
	}

	private <T extends AutoCloseable> T start(T origin) {
		return this.resources.add(origin);
	}

	static final class RecordingTrailers extends ForwardingProxy {

		volatile int trailerPhases;

		RecordingTrailers(int port) {
			super(port);
		}

		@Override
		public void upstreamResponseTrailerFilter(Session session, io.netty.handler.codec.http.HttpHeaders trailers,
				@Nullable Object ctx) {
			this.trailerPhases++;
		}

		@Override
		public void responseTrailerFilter(Session session, io.netty.handler.codec.http.HttpHeaders trailers,
				@Nullable Object ctx) {
			this.trailerPhases++;
		}

	}

}
