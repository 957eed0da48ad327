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

import dev.pingora.error.ErrorSource;
import dev.pingora.error.ErrorType;
import dev.pingora.error.ProxyError;
import dev.pingora.http.RequestHeader;
import dev.pingora.server.Server;
import dev.pingora.test.Ports;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestResources;
import dev.pingora.test.RawOrigin;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.test.TestOrigin;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for error responses: what status an upstream or client fault produces, and that
 * the error response is small, uncacheable and closes the connection.
 */
class ErrorResponseTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private Server gateway;

	@Test
	void connectionRefusedIs502() throws Exception {
		int refused = Ports.refused();
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", refused));
		RawHttpClient.Response response = get(proxy);
		assertErrorResponse(response, 502);
		assertThat(proxy.next().error.type()).isEqualTo(ErrorType.CONNECT_REFUSED);
	}

	@Test
	void connectionResetBeforeTheResponseIs502() throws Exception {
		RawOrigin origin = RawOrigin.start((socket, index) -> {
			RawOrigin.readHead(RawOrigin.reader(socket));
			socket.setSoLinger(true, 0);
		});
		this.resources.add(origin);
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		assertErrorResponse(get(proxy), 502);
		assertThat(proxy.next().error.type()).isEqualTo(ErrorType.CONNECTION_CLOSED);
	}

	@Test
	void readTimeoutIs504() throws Exception {
		RawOrigin origin = RawOrigin.start((socket, index) -> {
			BufferedReader reader = RawOrigin.reader(socket);
			RawOrigin.readHead(reader);
			reader.read();
		});
		this.resources.add(origin);
		PeerOptions options = PeerOptions.defaults().withReadTimeout(Duration.ofMillis(300));
		RecordingProxyHttp proxy = new RecordingProxyHttp(
				(attempt) -> HttpPeer.of("127.0.0.1", origin.port()).withOptions(options));
		assertErrorResponse(get(proxy), 504);
		assertThat(proxy.next().error.type()).isEqualTo(ErrorType.READ_TIMEDOUT);
	}

	@Test
	void connectTimeoutIs504() throws Exception {
		// A TCP server that never answers the TLS handshake: the connection budget runs
		// out.
		RawOrigin origin = RawOrigin.start((socket, index) -> socket.getInputStream().readAllBytes());
		this.resources.add(origin);
		PeerOptions options = PeerOptions.defaults().withTotalConnectionTimeout(Duration.ofMillis(300));
		RecordingProxyHttp proxy = new RecordingProxyHttp(
				(attempt) -> HttpPeer.tls("127.0.0.1", origin.port(), "origin.test").withOptions(options));
		assertErrorResponse(get(proxy), 504);
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.error.type()).isEqualTo(ErrorType.CONNECT_TIMEDOUT);
		assertThat(ctx.phases).contains("failToConnect").doesNotContain("connectedToUpstream");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = {
			"duplicate Content-Length|400|GET / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 5\\r\\nContent-Length: 6\\r\\n\\r\\n",
			"space in a field name|400|GET / HTTP/1.1\\r\\nHost: a\\r\\nBad Name: x\\r\\n\\r\\n",
			"no Host in HTTP/1.1|400|GET / HTTP/1.1\\r\\nAccept: */*\\r\\n\\r\\n",
			"two Host fields|400|GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n",
			"Transfer-Encoding not ending in chunked|400|POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n",
			"Transfer-Encoding in HTTP/1.0|400|POST / HTTP/1.0\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n",
			"garbage request line|400|NOT-HTTP\\r\\n\\r\\n",
			"a coding other than chunked|501|POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n0\\r\\n\\r\\n",
			"CONNECT|405|CONNECT a:443 HTTP/1.1\\r\\nHost: a:443\\r\\n\\r\\n" })
	void badRequestsAreRejectedBeforeAnyPhase(String description, int status, String request) throws Exception {
		TestOrigin origin = TestOrigin.hello("never");
		this.resources.add(origin);
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange(request.replace("\\r\\n", "\r\n"));
			assertErrorResponse(response, status);
			assertThat(client.isClosedByPeer(5000)).isTrue();
		}
		assertThat(proxy.completed()).isEmpty();
		assertThat(origin.requests()).isEmpty();
	}

	@Test
	void tooLongRequestLineIs414AndTooLargeHeaderIs431() {
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", Ports.refused()));
		this.gateway = this.resources.gateway(proxy,
				(conf) -> conf.maxRequestLineLength(1024).maxHeaderSize(2048).maxHeaders(10));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertErrorResponse(client.exchange("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: a\r\n\r\n"), 414);
		}
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertErrorResponse(client.exchange("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(4000) + "\r\n\r\n"),
					431);
		}
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertErrorResponse(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n" + "X-F: 1\r\n".repeat(12) + "\r\n"),
					431);
		}
	}

	@Test
	void anErrorFromAPhaseCarriesItsStatusAndAnUnexpectedOneIs500() throws Exception {
		ProxyHttp<Object> proxy = new ProxyHttp<>() {

			@Override
			public Object newCtx() {
				return new Object();
			}

			@Override
			public Mono<Boolean> requestFilter(Session session, Object ctx) {
				if (session.requestHeader().path().equals("/forbidden")) {
					return Mono.error(ProxyError.status(403, "not for you"));
				}
				throw new IllegalStateException("a bug in a phase");
			}

			@Override
			public Mono<HttpPeer> upstreamPeer(Session session, Object ctx) {
				return Mono.error(new AssertionError("not reached"));
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertErrorResponse(client.exchange("GET /forbidden HTTP/1.1\r\nHost: a\r\n\r\n"), 403);
		}
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertErrorResponse(client.exchange("GET /bug HTTP/1.1\r\nHost: a\r\n\r\n"), 500);
		}
	}

	@Test
	void aBugInAPhaseDuringTheAttemptIs500NotAnUpstreamFault() throws Exception {
		TestOrigin origin = this.resources.add(TestOrigin.hello("never seen"));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port())) {

			@Override
			public Mono<Void> upstreamRequestFilter(Session session, RequestHeader upstreamRequest, Ctx ctx) {
				throw new IllegalStateException("a bug in upstreamRequestFilter");
			}

		};
		assertErrorResponse(get(proxy), 500);
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.error.type()).isEqualTo(ErrorType.INTERNAL_ERROR);
		assertThat(ctx.phases).contains("errorWhileProxy", "failToProxy");
	}

	@Test
	void aClientTooSlowToSendItsBodyGets408() throws Exception {
		// The origin answers once it has the whole body, so no response header is under
		// way.
		TestOrigin origin = this.resources.add(TestOrigin.start((request, response) -> request.receive()
			.aggregate()
			.asString()
			.flatMap((body) -> response.sendString(Mono.just(body)).then())));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		this.gateway = this.resources.gateway(proxy, (conf) -> conf.readTimeout(Duration.ofMillis(300)));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly ten..");
			assertErrorResponse(client.read(false), 408);
		}
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.error.source()).isEqualTo(ErrorSource.DOWNSTREAM);
		assertThat(ctx.error.type()).isEqualTo(ErrorType.READ_TIMEDOUT);
	}

	@Test
	void decliningInProxyUpstreamFilterAnswers502AndKeepsTheConnection() {
		TestOrigin origin = TestOrigin.hello("origin");
		this.resources.add(origin);
		ProxyHttp<Object> proxy = new ForwardingProxy(origin.port()) {

			@Override
			public Mono<Boolean> proxyUpstreamFilter(Session session, Object ctx) {
				return Mono.just(!session.requestHeader().path().equals("/no"));
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response declined = client.exchange("GET /no HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(declined.status()).isEqualTo(502);
			assertThat(declined.header("Cache-Control")).isEqualTo("private, no-store");
			assertThat(client.exchange("GET /yes HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("origin");
		}
		await().until(() -> origin.requests().size() == 1);
	}

	private RawHttpClient.Response get(ProxyHttp<?> proxy) {
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET /x HTTP/1.1\r\nHost: example.test\r\n\r\n");
			assertThat(client.isClosedByPeer(5000)).isTrue();
			return response;
		}
	}

	private static void assertErrorResponse(RawHttpClient.Response response, int status) {
		assertThat(response.status()).isEqualTo(status);
		assertThat(response.header("Content-Length")).isEqualTo("0");
		assertThat(response.header("Cache-Control")).isEqualTo("private, no-store");
		assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
		assertThat(response.header("Date")).isNotNull();
		assertThat(response.body()).isEmpty();
	}

}
