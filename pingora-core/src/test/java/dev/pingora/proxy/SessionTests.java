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

import java.util.concurrent.atomic.AtomicLong;

import dev.pingora.server.Listener;
import dev.pingora.server.Server;
import dev.pingora.server.ServerConf;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestResources;
import dev.pingora.test.RecordingProxyHttp;
import dev.pingora.test.TestOrigin;
import dev.pingora.upstream.HttpPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for what a {@link Session} tells and controls: timings, addresses, keep-alive.
 */
class SessionTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private Server gateway;

	private TestOrigin origin;

	@Test
	void theTimingDigestRecordsEveryStepInOrderFromTheInjectedTicker() throws Exception {
		this.origin = this.resources.add(TestOrigin.hello("timed"));
		// A ticker that moves one tick per reading: the readings come out in the order
		// the
		// steps happened, with no wall clock involved.
		AtomicLong ticks = new AtomicLong(1000);
		RecordingProxyHttp proxy = new RecordingProxyHttp((attempt) -> HttpPeer.of("127.0.0.1", this.origin.port()));
		this.gateway = Server.builder()
			.conf(ServerConf.builder().threads(1).build())
			.listen(Listener.tcp("127.0.0.1", 0))
			.proxy(proxy)
			.ticker(ticks::incrementAndGet)
			.build()
			.start();
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.exchange("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
			client.exchange("GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
		}
		TimingDigest first = proxy.next().session.timing();
		assertThat(first.connectionAccepted()).isPositive();
		assertThat(new long[] { first.connectionAccepted(), first.requestHeaderRead(), first.peerSelected(),
				first.upstreamConnected(), first.requestSent(), first.firstResponseByte(), first.done() })
			.isSorted()
			.doesNotHaveDuplicates();
		assertThat(first.upstreamReused()).isFalse();
		RecordingProxyHttp.Ctx secondCtx = proxy.next();
		TimingDigest second = secondCtx.session.timing();
		assertThat(second.connectionAccepted()).isEqualTo(first.connectionAccepted());
		assertThat(second.requestHeaderRead()).isGreaterThan(first.done());
		assertThat(second.upstreamReused()).isTrue();
		assertThat(TimingDigest.between(second.requestHeaderRead(), second.done())).isPositive();
		assertThat(secondCtx.session.clientAddress()).isNotNull();
		assertThat(secondCtx.session.serverAddress()).isNotNull();
		assertThat(secondCtx.session.attempts()).isEqualTo(1);
		assertThat(secondCtx.session.responseBodyBytesSent()).isEqualTo(5);
	}

	@Test
	void aPhaseCanCloseTheClientConnectionAfterTheResponse() {
		this.origin = this.resources.add(TestOrigin.hello("bye"));
		ProxyHttp<Object> proxy = new ForwardingProxy(this.origin.port()) {

			@Override
			public Mono<Boolean> requestFilter(Session session, Object ctx) {
				session.setKeepAlive(false);
				return Mono.just(false);
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
			assertThat(response.text()).isEqualTo("bye");
			assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
			assertThat(client.isClosedByPeer(5000)).isTrue();
		}
	}

}
