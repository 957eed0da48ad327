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

import dev.pingora.error.ErrorSource;
import dev.pingora.error.ErrorType;
import dev.pingora.server.Server;
import dev.pingora.test.Curl;
import dev.pingora.test.Ports;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestResources;
import dev.pingora.test.RawOrigin;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.test.TestOrigin;
import dev.pingora.upstream.HttpPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the phase order of {@link ProxyHttp}: the four paths drawn in
 * {@code docs/user-guide/phases.md}, each asserted on a real gateway, origin and client.
 */
class PhaseOrderTests {

	private static final List<String> SUCCESS = List.of("earlyRequestFilter", "requestFilter", "proxyUpstreamFilter",
			"upstreamPeer", "connectedToUpstream", "upstreamRequestFilter", "requestBodyFilter",
			"upstreamResponseFilter", "responseFilter", "upstreamResponseBodyFilter", "responseBodyFilter", "logging");

	private static final List<String> UPSTREAM_DIED = List.of("earlyRequestFilter", "requestFilter",
			"proxyUpstreamFilter", "upstreamPeer", "connectedToUpstream", "upstreamRequestFilter", "requestBodyFilter",
			"upstreamResponseFilter", "responseFilter", "errorWhileProxy", "failToProxy", "logging");

	@RegisterExtension
	final TestResources resources = new TestResources();

	private Server gateway;

	@Test
	void successRunsEveryPhaseOnceInOrder() throws Exception {
		TestOrigin origin = TestOrigin.hello("hello");
		this.resources.add(origin);
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET /ok HTTP/1.1\r\nHost: example.test\r\n\r\n");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("hello");
		}
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.phases).containsExactlyElementsOf(SUCCESS);
		assertThat(ctx.error).isNull();
		assertNoMoreLogging(proxy);
	}

	@Test
	void anHttp2RequestRunsTheSamePhasesInTheSameOrder() throws Exception {
		TestOrigin origin = TestOrigin.hello("hello");
		this.resources.add(origin);
		int refused = Ports.refused();
		RecordingProxyHttp proxy = new RecordingProxyHttp(
				(attempt) -> HttpPeer.of("127.0.0.1", (attempt == 1) ? refused : origin.port()))
			.retryConnectFailures();
		this.gateway = this.resources.gateway(proxy);
		String base = "http://127.0.0.1:" + this.gateway.port();
		// A connect failure retried on a second peer: every phase of a proxied request.
		Curl.Result proxied = Curl.run("--http2-prior-knowledge", "-H", "Host: example.test", base + "/ok");
		assertThat(proxied.head()).startsWith("HTTP/2 200");
		assertThat(proxied.body()).isEqualTo("hello");
		assertThat(proxy.next().phases).containsExactly("earlyRequestFilter", "requestFilter", "proxyUpstreamFilter",
				"upstreamPeer", "failToConnect", "upstreamPeer", "connectedToUpstream", "upstreamRequestFilter",
				"requestBodyFilter", "upstreamResponseFilter", "responseFilter", "upstreamResponseBodyFilter",
				"responseBodyFilter", "logging");
		// A request answered by requestFilter.
		Curl.Result shortCircuit = Curl.run("--http2-prior-knowledge", "-H", "x-short-circuit: yes", base + "/short");
		assertThat(shortCircuit.head()).startsWith("HTTP/2 200").contains("x-answered-by: requestFilter");
		assertThat(shortCircuit.body()).isEqualTo("from the filter");
		assertThat(proxy.next().phases).containsExactly("earlyRequestFilter", "requestFilter", "logging");
		assertNoMoreLogging(proxy);
	}

	@Test
	void anHttp2RequestWhoseUpstreamDiesOrWhoseClientLeavesEndsAsOverHttp11() throws Exception {
		RawOrigin origin = RawOrigin.start((socket, index) -> {
			BufferedReader reader = RawOrigin.reader(socket);
			List<String> head = RawOrigin.readHead(reader);
			RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
			if (head.get(0).contains("/slow")) {
				// Hold the rest of the body until the gateway gives up the connection.
				socket.getInputStream().read();
			}
		});
		this.resources.add(origin);
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		this.gateway = this.resources.gateway(proxy);
		String base = "http://127.0.0.1:" + this.gateway.port();
		// The upstream dies mid-response: the stream is reset, the phases end as over
		// HTTP/1.1.
		Curl.Result died = Curl.attempt("--http2-prior-knowledge", base + "/big");
		assertThat(died.exitCode()).isNotZero();
		assertThat(died.body().length()).isLessThan(100000);
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.phases).containsExactlyElementsOf(UPSTREAM_DIED);
		assertThat(ctx.error).isNotNull();
		assertThat(ctx.error.source()).isEqualTo(ErrorSource.UPSTREAM);
		// The client leaves mid-response: logging runs once, with a downstream error.
		Curl.Result left = Curl.attempt("--http2-prior-knowledge", "--max-time", "1", base + "/slow");
		assertThat(left.exitCode()).isNotZero();
		RecordingProxyHttp.Ctx gone = proxy.next();
		assertThat(gone.phases).endsWith("logging");
		assertThat(gone.phases).filteredOn("logging"::equals).hasSize(1);
		assertThat(gone.error).isNotNull();
		assertThat(gone.error.source()).isEqualTo(ErrorSource.DOWNSTREAM);
		assertNoMoreLogging(proxy);
	}

	@Test
	void requestFilterShortCircuitSkipsTheUpstreamAndKeepsTheConnection() throws Exception {
		TestOrigin origin = TestOrigin.hello("from the origin");
		this.resources.add(origin);
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client
				.exchange("GET /short HTTP/1.1\r\nHost: example.test\r\nx-short-circuit: yes\r\n\r\n");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.header("x-answered-by")).isEqualTo("requestFilter");
			assertThat(response.text()).isEqualTo("from the filter");
			assertThat(proxy.next().phases).containsExactly("earlyRequestFilter", "requestFilter", "logging");
			assertThat(origin.requests()).isEmpty();

			RawHttpClient.Response second = client.exchange("GET /next HTTP/1.1\r\nHost: example.test\r\n\r\n");
			assertThat(second.status()).isEqualTo(200);
			assertThat(second.text()).isEqualTo("from the origin");
			assertThat(proxy.next().phases).containsExactlyElementsOf(SUCCESS);
		}
		assertNoMoreLogging(proxy);
	}

	@Test
	void connectFailureIsRetriedOnASecondPeer() throws Exception {
		TestOrigin origin = TestOrigin.hello("second peer");
		this.resources.add(origin);
		int refused = Ports.refused();
		RecordingProxyHttp proxy = new RecordingProxyHttp(
				(attempt) -> HttpPeer.of("127.0.0.1", (attempt == 1) ? refused : origin.port()))
			.retryConnectFailures();
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("second peer");
		}
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.phases).containsExactly("earlyRequestFilter", "requestFilter", "proxyUpstreamFilter",
				"upstreamPeer", "failToConnect", "upstreamPeer", "connectedToUpstream", "upstreamRequestFilter",
				"requestBodyFilter", "upstreamResponseFilter", "responseFilter", "upstreamResponseBodyFilter",
				"responseBodyFilter", "logging");
		assertThat(ctx.attempts).isEqualTo(2);
		assertNoMoreLogging(proxy);
	}

	@Test
	void upstreamDyingMidResponseEndsInErrorWhileProxyAndAClosedClientConnection() throws Exception {
		RawOrigin origin = RawOrigin.start((socket, index) -> {
			BufferedReader reader = RawOrigin.reader(socket);
			RawOrigin.readHead(reader);
			RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
		});
		this.resources.add(origin);
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET /big HTTP/1.1\r\nHost: example.test\r\n\r\n");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body().length).isLessThan(100000);
			assertThat(client.isClosedByPeer(5000)).isTrue();
		}
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.phases).containsExactlyElementsOf(UPSTREAM_DIED);
		assertThat(ctx.error).isNotNull();
		assertThat(ctx.error.source()).isEqualTo(ErrorSource.UPSTREAM);
		assertThat(ctx.error.type()).isEqualTo(ErrorType.READ_ERROR);
		assertNoMoreLogging(proxy);
	}

	@Test
	void loggingRunsOnceWhenTheClientGoesAwayMidResponse() throws Exception {
		RawOrigin origin = RawOrigin.start((socket, index) -> {
			BufferedReader reader = RawOrigin.reader(socket);
			RawOrigin.readHead(reader);
			RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
			// Hold the rest of the body until the gateway gives up the connection.
			socket.getInputStream().read();
		});
		this.resources.add(origin);
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.send("GET /slow HTTP/1.1\r\nHost: example.test\r\n\r\n");
			assertThat(client.input().readNBytes(20)).isNotEmpty();
		}
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.phases).endsWith("logging");
		assertThat(ctx.phases).filteredOn("logging"::equals).hasSize(1);
		assertThat(ctx.error).isNotNull();
		assertThat(ctx.error.source()).isEqualTo(ErrorSource.DOWNSTREAM);
		assertNoMoreLogging(proxy);
	}

	private static void assertNoMoreLogging(RecordingProxyHttp proxy) {
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(proxy.completed()::isEmpty);
	}

}
