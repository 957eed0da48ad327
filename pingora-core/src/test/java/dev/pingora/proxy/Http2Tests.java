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

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.pingora.http.ResponseHeader;
import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;
import dev.pingora.server.TlsSettings;
import dev.pingora.test.Curl;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.TestCertificates;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TestResources;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 from clients, with curl: h2c by prior knowledge and h2 by ALPN over TLS,
 * HTTP/1.1 still on the same listeners, several streams on one connection, request and
 * response bodies. The phases see an HTTP/2 request as they see an HTTP/1.1 one.
 */
class Http2Tests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private final AtomicInteger connections = new AtomicInteger();

	@Test
	void h2cByPriorKnowledgeAndHttp11ShareAPlainListener() throws Exception {
		int port = gateway(null);
		Curl.Result h2 = curl("--http2-prior-knowledge", "http://127.0.0.1:" + port + "/hello?x=1");
		assertThat(h2.head()).startsWith("HTTP/2 200").contains("x-protocol: HTTP/2").contains("x-scheme: http");
		assertThat(h2.body()).isEqualTo("GET /hello?x=1 host=127.0.0.1:" + port);
		Curl.Result h1 = curl("--http1.1", "http://127.0.0.1:" + port + "/hello");
		assertThat(h1.head()).startsWith("HTTP/1.1 200").contains("x-protocol: HTTP/1.1");
	}

	@Test
	void aFirstRequestMayUpgradeAPlainConnectionWithUpgradeH2c() throws Exception {
		int port = gateway(null);
		// curl --http2 on http:// offers "Upgrade: h2c" with its first request.
		Curl.Result upgraded = curl("--http2", "http://127.0.0.1:" + port + "/up");
		assertThat(upgraded.head()).startsWith("HTTP/1.1 101").contains("HTTP/2 200").contains("x-protocol: HTTP/2");
		assertThat(upgraded.body()).isEqualTo("GET /up host=127.0.0.1:" + port);
		// With a body the offer is declined: the answer stays HTTP/1.1.
		Curl.Result declined = curl("--http2", "--data", "x=1", "http://127.0.0.1:" + port + "/echo");
		assertThat(declined.head()).startsWith("HTTP/1.1 200");
		assertThat(declined.body()).isEqualTo("received 3");
	}

	@Test
	void h2IsChosenByAlpnOverTls() throws Exception {
		TestCertificates certificates = TestCertificates.issue("h2.test");
		int port = gateway(
				TlsSettings.builder().certificate(certificates.chain().toPath(), certificates.key().toPath()).build());
		String url = "https://h2.test:" + port + "/tls";
		String resolve = "h2.test:" + port + ":127.0.0.1";
		Curl.Result h2 = curl("--http2", "--cacert", certificates.rootPem().toString(), "--resolve", resolve, url);
		assertThat(h2.head()).startsWith("HTTP/2 200").contains("x-protocol: HTTP/2").contains("x-scheme: https");
		assertThat(h2.body()).isEqualTo("GET /tls host=h2.test:" + port);
		Curl.Result h1 = curl("--http1.1", "--cacert", certificates.rootPem().toString(), "--resolve", resolve, url);
		assertThat(h1.head()).startsWith("HTTP/1.1 200");
	}

	@Test
	void streamsShareOneConnectionAndCarryBodies() throws Exception {
		// Several streams at once over TLS: curl 7.88 multiplexes them on one connection.
		// (With --http2-prior-knowledge, its --parallel gave up after the first stream
		// with
		// "Error in the HTTP2 framing layer", though the server's frame log showed stream
		// 1
		// complete and no other stream opened; not explained yet.)
		TestCertificates certificates = TestCertificates.issue("h2.test");
		int tlsPort = gateway(
				TlsSettings.builder().certificate(certificates.chain().toPath(), certificates.key().toPath()).build());
		String tlsBase = "https://h2.test:" + tlsPort;
		Curl.Result parallel = curl("--http2", "--cacert", certificates.rootPem().toString(), "--resolve",
				"h2.test:" + tlsPort + ":127.0.0.1", "--parallel", tlsBase + "/slow/1", tlsBase + "/slow/2",
				tlsBase + "/slow/3");
		assertThat(parallel.all()).contains("GET /slow/1", "GET /slow/2", "GET /slow/3");
		assertThat(this.connections).hasValue(1);
		int port = gateway(null);
		String base = "http://127.0.0.1:" + port;
		String payload = "p".repeat(300_000);
		java.nio.file.Path file = java.nio.file.Files.createTempFile("h2-body", ".txt");
		java.nio.file.Files.writeString(file, payload);
		Curl.Result post = curl("--http2-prior-knowledge", "--data-binary", "@" + file, base + "/echo");
		assertThat(post.head()).startsWith("HTTP/2 200");
		assertThat(post.body()).isEqualTo("received " + payload.length());
		Curl.Result big = curl("--http2-prior-knowledge", base + "/big");
		assertThat(big.body()).hasSize(2 * 1024 * 1024);
	}

	private int gateway(TlsSettings tls) {
		TestOrigin origin = this.resources.add(TestOrigin.start((request, response) -> {
			String path = request.path();
			if (path.startsWith("slow")) {
				return response
					.sendString(Mono.delay(Duration.ofMillis(300)).thenReturn(request.method() + " " + request.uri()));
			}
			if (path.equals("echo")) {
				return response
					.sendString(request.receive().aggregate().asString().map((body) -> "received " + body.length()));
			}
			if (path.equals("big")) {
				return response
					.send(Flux.range(0, 64).map((i) -> io.netty.buffer.Unpooled.wrappedBuffer(new byte[32 * 1024])));
			}
			return response.sendString(Mono
				.just(request.method() + " " + request.uri() + " host=" + request.requestHeaders().get("Host")));
		}));
		ForwardingProxy proxy = new ForwardingProxy(origin.port()) {

			@Override
			public Mono<Void> responseFilter(Session session, ResponseHeader response, Object ctx) {
				response.setHeader("x-protocol", session.protocol());
				response.setHeader("x-scheme", session.scheme());
				return Mono.empty();
			}

		};
		Listener listener = Listener.tcp("127.0.0.1", 0);
		Server server = Server.builder()
			.conf(ServerConf.builder().threads(1).build())
			.listen((tls != null) ? listener.withTls(tls) : listener)
			.downstreamConnectionCustomizer((channel) -> this.connections.incrementAndGet())
			.proxy(proxy)
			.build()
			.start();
		this.resources.add(() -> server.shutdown(Duration.ZERO));
		return server.port();
	}

	private static Curl.Result curl(String... arguments) {
		return Curl.run(arguments);
	}

}
