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

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;

import dev.pingora.server.Server;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.test.TestCertificates;
import dev.pingora.test.TestResources;
import dev.pingora.upstream.Alpn;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 to upstreams: h2c by prior knowledge, h2 by ALPN over TLS, requests multiplexed
 * as streams on one connection, bodies and trailers both ways, and the fallback to
 * HTTP/1.1 when a TLS peer does not pick h2.
 */
class Http2UpstreamTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private final Set<Integer> originConnections = ConcurrentHashMap.newKeySet();

	private RecordingProxyHttp proxy;

	@Test
	void requestsGoAsStreamsOnOneH2cConnection() throws Exception {
		DisposableServer origin = origin(HttpServer.create().protocol(HttpProtocol.H2C));
		int port = gateway(
				HttpPeer.of("127.0.0.1", origin.port()).withOptions(PeerOptions.defaults().withAlpn(Alpn.H2)));
		RawHttpClient.Response first = get(port, "/hello");
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.text()).isEqualTo("HTTP/2.0 GET /hello");
		List<CompletableFuture<RawHttpClient.Response>> concurrent = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			String path = "/slow/" + i;
			concurrent.add(CompletableFuture.supplyAsync(() -> get(port, path)));
		}
		for (int i = 0; i < 6; i++) {
			assertThat(concurrent.get(i).get().text()).isEqualTo("HTTP/2.0 GET /slow/" + i);
		}
		// Seven requests, one connection.
		assertThat(this.originConnections).hasSize(1);
		String body = "b".repeat(300_000);
		try (RawHttpClient client = new RawHttpClient(port)) {
			RawHttpClient.Response posted = client
				.exchange("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
			assertThat(posted.text()).isEqualTo("received " + body.length());
			RawHttpClient.Response trailed = client
				.exchange("GET /trailers HTTP/1.1\r\nHost: a\r\nTE: trailers\r\n\r\n");
			assertThat(trailed.text()).isEqualTo("with trailers");
			assertThat(trailed.trailers()).containsEntry("x-checksum", List.of("42"));
		}
		// The trailer phases saw the HTTP/2 response's trailers.
		org.awaitility.Awaitility.await()
			.untilAsserted(() -> assertThat(this.proxy.completed()).anySatisfy((ctx) -> assertThat(ctx.phases)
				.contains("upstreamResponseTrailerFilter", "responseTrailerFilter")));
	}

	@Test
	void theStreamsPerConnectionAreCapped() throws Exception {
		DisposableServer origin = origin(HttpServer.create().protocol(HttpProtocol.H2C));
		HttpPeer peer = HttpPeer.of("127.0.0.1", origin.port()).withOptions(PeerOptions.defaults().withAlpn(Alpn.H2));
		int port = this.resources
			.gateway(new RecordingProxyHttp((attempt) -> peer), (conf) -> conf.http2UpstreamMaxStreams(2))
			.port();
		get(port, "/first");
		List<CompletableFuture<RawHttpClient.Response>> concurrent = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			String path = "/slow/" + i;
			concurrent.add(CompletableFuture.supplyAsync(() -> get(port, path)));
		}
		for (CompletableFuture<RawHttpClient.Response> response : concurrent) {
			assertThat(response.get().status()).isEqualTo(200);
		}
		// Six at once, two per connection: at least three connections (the first one's
		// stream may be gone by then), at most six.
		assertThat(this.originConnections.size()).isBetween(3, 6);
	}

	@Test
	void h2IsNegotiatedByAlpnOverTlsAndHttp11IsTheFallback() throws Exception {
		TestCertificates certificates = TestCertificates.issue("h2.origin.test");
		DisposableServer h2 = origin(HttpServer.create()
			.protocol(HttpProtocol.H2)
			.secure((spec) -> spec
				.sslContext(Http2SslContextSpec.forServer(certificates.chain(), certificates.key()))));
		PeerOptions trusting = PeerOptions.defaults().withCaCertificates(certificates.rootPem().toPath());
		int port = gateway(
				HttpPeer.tls("127.0.0.1", h2.port(), "h2.origin.test").withOptions(trusting.withAlpn(Alpn.H2)));
		assertThat(get(port, "/tls").text()).isEqualTo("HTTP/2.0 GET /tls");
		DisposableServer h1 = origin(HttpServer.create()
			.secure((spec) -> spec
				.sslContext(Http11SslContextSpec.forServer(certificates.chain(), certificates.key()))));
		int fallback = gateway(
				HttpPeer.tls("127.0.0.1", h1.port(), "h2.origin.test").withOptions(trusting.withAlpn(Alpn.H2_H1)));
		assertThat(get(fallback, "/old").text()).isEqualTo("HTTP/1.1 GET /old");
		assertThat(get(fallback, "/old").text()).isEqualTo("HTTP/1.1 GET /old");
	}

	private DisposableServer origin(HttpServer server) {
		DisposableServer origin = server.host("127.0.0.1").port(0).handle((request, response) -> {
			if (request.remoteAddress() != null) {
				this.originConnections.add(request.remoteAddress().getPort());
			}
			String line = request.version() + " " + request.method() + " " + request.uri();
			String path = request.path();
			if (path.startsWith("slow")) {
				return response.sendString(Mono.delay(Duration.ofMillis(200)).thenReturn(line));
			}
			if (path.equals("echo")) {
				return response
					.sendString(request.receive().aggregate().asString().map((text) -> "received " + text.length()));
			}
			if (path.equals("trailers")) {
				return response.header("Trailer", "x-checksum")
					.trailerHeaders((trailers) -> trailers.set("x-checksum", "42"))
					.sendString(reactor.core.publisher.Flux.just("with ", "trailers"));
			}
			return response.sendString(Mono.just(line));
		}).bindNow();
		this.resources.add(origin::disposeNow);
		return origin;
	}

	private int gateway(HttpPeer peer) {
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> peer);
		this.proxy = proxy;
		Server gateway = this.resources.gateway(proxy);
		return gateway.port();
	}

	private static RawHttpClient.Response get(int port, String path) {
		try (RawHttpClient client = new RawHttpClient(port)) {
			return client.exchange("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
		}
	}

}
