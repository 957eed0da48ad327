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
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Locale;

import dev.pingora.server.Server;
import dev.pingora.test.Ports;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestResources;
import dev.pingora.test.RawOrigin;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.upstream.HttpPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for retries: {@code failToConnect} failover, the attempt cap, and the automatic
 * retry of a request that hit a stale pooled connection.
 */
class RetryTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private Server gateway;

	private RawOrigin origin;

	@Test
	void maxRetriesCapsTheAttempts() throws Exception {
		int refused = Ports.refused();
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", refused))
			.retryConnectFailures();
		this.gateway = this.resources.gateway(proxy, (conf) -> conf.maxRetries(3));
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(502);
		}
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.attempts).isEqualTo(3);
		assertThat(ctx.phases).filteredOn("failToConnect"::equals).hasSize(3);
	}

	@Test
	void connectFailuresAreNotRetriedUnlessFailToConnectSaysSo() throws Exception {
		int refused = Ports.refused();
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", refused));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(502);
		}
		assertThat(proxy.next().attempts).isEqualTo(1);
	}

	@Test
	void aRequestThatHitsAStalePooledConnectionIsRetriedOnAFreshOne() throws Exception {
		this.origin = this.resources.add(RawOrigin.start(RetryTests::closeOnSecondRequest));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", this.origin.port()));
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET /first HTTP/1.1\r\nHost: a\r\n\r\n").text()).isEqualTo("served 0");
			assertThat(proxy.next().reused).containsExactly(false);

			RawHttpClient.Response second = client.exchange("GET /second HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(second.status()).isEqualTo(200);
			assertThat(second.text()).isEqualTo("served 0");
		}
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.attempts).isEqualTo(2);
		assertThat(ctx.reused).containsExactly(true, false);
		assertThat(ctx.phases).containsSubsequence("connectedToUpstream", "errorWhileProxy", "upstreamPeer",
				"connectedToUpstream", "upstreamResponseFilter");
		assertThat(ctx.error).isNull();
		assertThat(this.origin.connections()).isEqualTo(2);
	}

	@Test
	void aBodyThatFitsTheRetryBufferIsReplayed() throws Exception {
		this.origin = this.resources.add(RawOrigin.start(RetryTests::closeOnSecondRequest));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", this.origin.port()));
		this.gateway = this.resources.gateway(proxy);
		String body = "b".repeat(10 * 1024);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET /first HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
			RawHttpClient.Response second = client
				.exchange("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
			assertThat(second.status()).isEqualTo(200);
			assertThat(second.text()).isEqualTo("served 0, body " + body.length());
		}
		proxy.next();
		assertThat(proxy.next().attempts).isEqualTo(2);
	}

	@Test
	void aBodyLargerThanTheRetryBufferIsNotReplayedAndGets502() throws Exception {
		this.origin = this.resources.add(RawOrigin.start(RetryTests::closeOnSecondRequest));
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", this.origin.port()));
		this.gateway = this.resources.gateway(proxy);
		String body = "b".repeat(100 * 1024);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			assertThat(client.exchange("GET /first HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
			RawHttpClient.Response second = client
				.exchange("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
			assertThat(second.status()).isEqualTo(502);
		}
		proxy.next();
		RecordingProxyHttp.Ctx ctx = proxy.next();
		assertThat(ctx.attempts).isEqualTo(1);
		assertThat(ctx.session.isRetryBufferTruncated()).isTrue();
		assertThat(this.origin.connections()).isEqualTo(1);
	}

	/**
	 * Serve the first request of a connection, then read the next request whole and close
	 * the connection without answering: what an origin does when its keep-alive timeout
	 * fires just as a reused connection carries a request.
	 */
	private static void closeOnSecondRequest(Socket socket, int connection) throws IOException {
		BufferedReader reader = RawOrigin.reader(socket);
		for (int served = 0;; served++) {
			List<String> head = RawOrigin.readHead(reader);
			if (head == null) {
				return;
			}
			int length = contentLength(head);
			char[] body = new char[length];
			int read = 0;
			while (read < length) {
				int n = reader.read(body, read, length - read);
				if (n < 0) {
					return;
				}
				read += n;
			}
			if (served > 0) {
				return;
			}
			String text = "served " + served + ((length > 0) ? ", body " + length : "");
			RawOrigin.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: " + text.length() + "\r\n\r\n" + text);
		}
	}

	private static int contentLength(List<String> head) {
		for (String line : head) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				return Integer.parseInt(line.substring(15).trim());
			}
		}
		return 0;
	}

}
