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

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.pingora.server.Server;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.RawOrigin;
import dev.pingora.test.TestResources;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.test.TestOrigin;
import dev.pingora.upstream.HttpPeer;
import dev.pingora.upstream.PeerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for upstream connection pooling: reuse, idle timeout and pool keys.
 */
class PoolingTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private Server gateway;

	private TestOrigin origin;

	@Test
	void sequentialRequestsReuseOneUpstreamConnection() throws Exception {
		this.origin = this.resources.add(TestOrigin.hello("pooled"));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", this.origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			for (int i = 0; i < 100; i++) {
				RawHttpClient.Response response = client.exchange("GET /" + i + " HTTP/1.1\r\nHost: a\r\n\r\n");
				assertThat(response.text()).isEqualTo("pooled");
			}
		}
		assertThat(this.origin.requests()).hasSize(100);
		assertThat(this.origin.connections()).isEqualTo(1);
		assertThat(proxy.next().reused).containsExactly(false);
		for (int i = 1; i < 100; i++) {
			assertThat(proxy.next().reused).containsExactly(true);
		}
	}

	@Test
	void idlePooledConnectionsCloseAfterTheIdleTimeout() {
		this.origin = this.resources.add(TestOrigin.hello("idle"));
		PeerOptions options = PeerOptions.defaults().withIdleTimeout(Duration.ofMillis(200));
		RecordingProxyHttp proxy = new RecordingProxyHttp(
				(attempt) -> HttpPeer.of("127.0.0.1", this.origin.port()).withOptions(options));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
			assertThat(this.origin.closedConnections()).isZero();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.origin.closedConnections() == 1);
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
		}
		assertThat(this.origin.connections()).isEqualTo(2);
	}

	@Test
	void anIdleTimeoutOfZeroDisablesPooling() {
		this.origin = this.resources.add(TestOrigin.hello("unpooled"));
		PeerOptions options = PeerOptions.defaults().withIdleTimeout(Duration.ZERO);
		RecordingProxyHttp proxy = new RecordingProxyHttp(
				(attempt) -> HttpPeer.of("127.0.0.1", this.origin.port()).withOptions(options));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			for (int i = 0; i < 3; i++) {
				assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
			}
		}
		assertThat(this.origin.connections()).isEqualTo(3);
	}

	@Test
	void poolsAreKeyedByPeerIdentity() {
		this.origin = this.resources.add(TestOrigin.hello("keyed"));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> null) {

			@Override
			public reactor.core.publisher.Mono<HttpPeer> upstreamPeer(Session session, Ctx ctx) {
				HttpPeer peer = HttpPeer.of("127.0.0.1", PoolingTests.this.origin.port());
				String sni = session.requestHeader().header("x-sni");
				return reactor.core.publisher.Mono.just((sni != null) ? peer.withSni(sni) : peer);
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			for (int i = 0; i < 3; i++) {
				assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
				assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\nx-sni: one.test\r\n\r\n").status())
					.isEqualTo(200);
				assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\nx-sni: two.test\r\n\r\n").status())
					.isEqualTo(200);
			}
		}
		assertThat(this.origin.requests()).hasSize(9);
		assertThat(this.origin.connections()).isEqualTo(3);
	}

	@Test
	void aRequestBeyondThePeersConnectionLimitWaitsForAFreeConnection() throws Exception {
		Sinks.Empty<Void> release = Sinks.empty();
		this.origin = this.resources.add(TestOrigin.start((request, response) -> {
			Mono<Void> gate = request.uri().equals("/slow") ? release.asMono() : Mono.empty();
			return gate.then(response.sendString(Mono.just("served " + request.uri())).then());
		}));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", this.origin.port()));
		this.gateway = this.resources.gateway(proxy, (conf) -> conf.maxConnectionsPerPeer(1));
		try (RawHttpClient slow = new RawHttpClient(this.gateway.port());
				RawHttpClient fast = new RawHttpClient(this.gateway.port())) {
			slow.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.origin.requests().size() == 1);
			fast.send("GET /fast HTTP/1.1\r\nHost: a\r\n\r\n");
			// The second request cannot have a connection while the first holds the only
			// one.
			assertThat(fast.isClosedByPeer(300)).isFalse();
			assertThat(this.origin.requests()).hasSize(1);
			release.tryEmitEmpty();
			assertThat(slow.read(false).text()).isEqualTo("served /slow");
			assertThat(fast.read(false).text()).isEqualTo("served /fast");
		}
		assertThat(this.origin.connections()).isEqualTo(1);
	}

	@Test
	void aPeerNamedByHostNameIsResolvedWhenConnecting() {
		this.origin = this.resources.add(TestOrigin.hello("by name"));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("localhost", this.origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("by name");
		}
	}

	@Test
	void aSlowClientDoesNotTripTheUpstreamReadTimeout() throws Exception {
		int size = 32 * 1024 * 1024;
		AtomicLong written = new AtomicLong();
		// A blocking origin: it writes as fast as the gateway reads, and never pauses
		// on its own.
		RawOrigin large = this.resources.add(RawOrigin.start((socket, connection) -> {
			RawOrigin.readHead(RawOrigin.reader(socket));
			OutputStream out = socket.getOutputStream();
			out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			byte[] chunk = new byte[64 * 1024];
			for (int sent = 0; sent < size; sent += chunk.length) {
				out.write(chunk);
				written.addAndGet(chunk.length);
			}
			out.flush();
		}));
		PeerOptions options = PeerOptions.defaults().withReadTimeout(Duration.ofMillis(500));
		RecordingProxyHttp proxy = new RecordingProxyHttp(
				(attempt) -> HttpPeer.of("127.0.0.1", large.port()).withOptions(options));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.send("GET /large HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(client.readHead().status()).isEqualTo(200);
			// The client reads nothing: the gateway stops reading the upstream, and the
			// origin stays blocked for four read timeouts, which is the client being
			// late, not the upstream. (The timeout leaves room for a busy test machine.)
			long[] last = { -1, System.nanoTime() };
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
				long now = System.nanoTime();
				if (written.get() != last[0]) {
					last[0] = written.get();
					last[1] = now;
				}
				return now - last[1] >= Duration.ofMillis(2000).toNanos();
			});
			assertThat(written.get()).isLessThan(size);
			InputStream body = client.input();
			byte[] buffer = new byte[64 * 1024];
			long received = 0;
			int n;
			while (received < size && (n = body.read(buffer)) != -1) {
				received += n;
			}
			assertThat(received).isEqualTo(size);
		}
		assertThat(proxy.next().error).isNull();
	}

}
