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

package dev.pingora.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestResources;
import dev.pingora.test.TestOrigin;
import dev.pingora.upstream.HttpPeer;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Server}: listeners, start-up failures and graceful shutdown.
 */
class ServerTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private Server server;

	private TestOrigin origin;

	@Test
	void servesOnUnixDomainSocketsOnBothSides(@TempDir Path temp) {
		Path upstreamSocket = temp.resolve("origin.sock");
		Path gatewaySocket = temp.resolve("gateway.sock");
		DisposableServer unixOrigin = HttpServer.create()
			.bindAddress(() -> new DomainSocketAddress(upstreamSocket.toString()))
			.handle((request, response) -> response.sendString(Mono.just("over unix sockets")))
			.bindNow();
		try {
			this.server = Server.builder()
				.listen(Listener.unix(gatewaySocket))
				.proxy(new ForwardingProxy(HttpPeer.unix(upstreamSocket)))
				.build()
				.start();
			String body = HttpClient.create()
				.remoteAddress(() -> new DomainSocketAddress(gatewaySocket.toString()))
				.get()
				.uri("/")
				.responseContent()
				.aggregate()
				.asString()
				.block(Duration.ofSeconds(10));
			assertThat(body).isEqualTo("over unix sockets");
			assertThat(this.server.boundAddresses()).hasSize(1);
		}
		finally {
			unixOrigin.disposeNow();
		}
	}

	@Test
	void aTakenPortFailsTheStartWithAMessageThatNamesTheListener() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Server candidate = Server.builder()
				.listen(Listener.tcp("127.0.0.1", taken.getLocalPort()))
				.proxy(new ForwardingProxy(HttpPeer.of("127.0.0.1", 1)))
				.build();
			assertThatIllegalStateException().isThrownBy(candidate::start)
				.withMessageContaining("listener 127.0.0.1:" + taken.getLocalPort())
				.withMessageContaining("cannot bind");
			assertThat(candidate.isRunning()).isFalse();
		}
	}

	@Test
	void gracefulShutdownLetsRequestsInProgressFinish() throws Exception {
		this.origin = this.resources.add(TestOrigin.start((request, response) -> Mono.delay(Duration.ofMillis(500))
			.then(response.sendString(Mono.just("finished")).then())));
		this.server = this.resources.gateway(new ForwardingProxy(HttpPeer.of("127.0.0.1", this.origin.port())));
		int port = this.server.port();
		try (RawHttpClient idle = new RawHttpClient(port); RawHttpClient busy = new RawHttpClient(port)) {
			assertThat(idle.exchange("GET /warm HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
			busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
			await().until(() -> this.server.inflight() == 1);

			CompletableFuture<Void> shutdown = CompletableFuture
				.runAsync(() -> this.server.shutdown(Duration.ofSeconds(10)));
			await().until(() -> !connects(port));
			assertThat(idle.isClosedByPeer(5000)).isTrue();

			RawHttpClient.Response response = busy.read(false);
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("finished");
			assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
			shutdown.get();
			assertThat(this.server.isRunning()).isFalse();
		}
	}

	@Test
	void theGracePeriodEndsWithTheConnectionsClosed() throws Exception {
		this.origin = this.resources.add(TestOrigin.start((request, response) -> Mono.never()));
		this.server = this.resources.gateway(new ForwardingProxy(HttpPeer.of("127.0.0.1", this.origin.port())));
		try (RawHttpClient client = new RawHttpClient(this.server.port())) {
			client.send("GET /never HTTP/1.1\r\nHost: a\r\n\r\n");
			await().until(() -> this.server.inflight() == 1);
			this.server.shutdown(Duration.ofMillis(200));
			assertThat(client.isClosedByPeer(5000)).isTrue();
		}
	}

	private static boolean connects(int port) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
