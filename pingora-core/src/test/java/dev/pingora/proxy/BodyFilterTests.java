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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pingora.http.ResponseHeader;
import dev.pingora.server.Server;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestResources;
import dev.pingora.test.TestOrigin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the body phases: they see every streamed chunk, can rewrite it, and can slow
 * a download down.
 */
class BodyFilterTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private Server gateway;

	private TestOrigin origin;

	@Test
	void bodyPhasesRewriteStreamedChunksBothWays() {
		this.origin = this.resources
			.add(TestOrigin.start((request, response) -> response.send(request.receive().retain())));
		AtomicInteger requestChunks = new AtomicInteger();
		ProxyHttp<Object> proxy = new ForwardingProxy(this.origin.port()) {

			@Override
			public Duration requestBodyFilter(Session session, BodyChunk chunk, Object ctx) {
				if (!chunk.isEndOfStream()) {
					requestChunks.incrementAndGet();
					ByteBuf data = chunk.data();
					String upper = data.toString(StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
					chunk.replace(Unpooled.copiedBuffer(upper, StandardCharsets.UTF_8));
				}
				return Duration.ZERO;
			}

			@Override
			public Mono<Void> responseFilter(Session session, ResponseHeader response, Object ctx) {
				response.removeHeader(HttpHeaderNames.CONTENT_LENGTH);
				return Mono.empty();
			}

			@Override
			public Duration responseBodyFilter(Session session, BodyChunk chunk, Object ctx) {
				if (chunk.isEndOfStream()) {
					chunk.replace(Unpooled.copiedBuffer("!", StandardCharsets.UTF_8));
				}
				return Duration.ZERO;
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			client.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
			client.send("6\r\nhello \r\n");
			client.send("6\r\nworld,\r\n");
			client.send("8\r\n chunked\r\n0\r\n\r\n");
			RawHttpClient.Response response = client.read(false);
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("HELLO WORLD, CHUNKED!");
		}
		assertThat(requestChunks.get()).isGreaterThanOrEqualTo(1);
		assertThat(this.origin.lastRequest().headers().get("Transfer-Encoding")).isEqualTo("chunked");
	}

	@Test
	void aContentLengthBodyIsFilteredInPlace() {
		this.origin = this.resources
			.add(TestOrigin.start((request, response) -> response.send(request.receive().retain())));
		ProxyHttp<Object> proxy = new ForwardingProxy(this.origin.port()) {

			@Override
			public Duration requestBodyFilter(Session session, BodyChunk chunk, Object ctx) {
				ByteBuf data = chunk.data();
				for (int i = data.readerIndex(); i < data.writerIndex(); i++) {
					data.setByte(i, Character.toUpperCase(data.getByte(i)));
				}
				return Duration.ZERO;
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			RawHttpClient.Response response = client
				.exchange("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world");
			assertThat(response.text()).isEqualTo("HELLO WORLD");
		}
		assertThat(this.origin.lastRequest().headers().get("Content-Length")).isEqualTo("11");
	}

	@Test
	void aDelayFromResponseBodyFilterThrottlesTheDownload() {
		this.origin = this.resources.add(TestOrigin.start((request, response) -> response
			.sendString(Flux.just("one ", "two ", "three ", "four ", "five"), StandardCharsets.UTF_8)));
		Duration perChunk = Duration.ofMillis(150);
		AtomicInteger chunks = new AtomicInteger();
		ProxyHttp<Object> proxy = new ForwardingProxy(this.origin.port()) {

			@Override
			public Duration responseBodyFilter(Session session, BodyChunk chunk, Object ctx) {
				if (chunk.isEndOfStream()) {
					return Duration.ZERO;
				}
				chunks.incrementAndGet();
				return perChunk;
			}

		};
		this.gateway = this.resources.gateway(proxy);
		try (RawHttpClient client = new RawHttpClient(this.gateway.port())) {
			long start = System.nanoTime();
			RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(response.text()).isEqualTo("one two three four five");
			// Every chunk waited its delay before it was written: a lower bound, not a
			// speed goal.
			assertThat(elapsed).isGreaterThanOrEqualTo(perChunk.multipliedBy(chunks.get()));
		}
		assertThat(chunks.get()).isGreaterThanOrEqualTo(1);
	}

}
