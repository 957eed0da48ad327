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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.CachePhase;
import dev.pingora.cache.MemoryStorage;
import dev.pingora.server.Server;
import dev.pingora.test.ForwardingProxy;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import dev.pingora.test.TestResources;
import dev.pingora.upstream.HttpPeer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP cache on the request path, through a real gateway and origin: hits, RFC 9111
 * storability, Vary, revalidation, conditional clients, HEAD, ranges, stale serving, the
 * cache lock, invalidation, purge, the predictor and the largest object size.
 */
class CacheTests {

	@RegisterExtension
	final TestResources resources = new TestResources();

	private final MutableClock clock = new MutableClock();

	private final AtomicInteger peersSelected = new AtomicInteger();

	private final MemoryStorage storage = new MemoryStorage(16 * 1024 * 1024, 1024 * 1024);

	private CacheConfig config = CacheConfig.builder(this.storage)
		.statusHeader("X-Cache-Status")
		.clock(this.clock)
		.maxFileSize(64 * 1024)
		.build();

	@Test
	void aFreshResponseIsServedFromTheCacheWithItsAge() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.header("Content-Type", "text/plain")
			.sendString(Mono.just("cached body")));
		int port = gateway(origin);
		RawHttpClient.Response miss = get(port, "/a");
		assertThat(miss.status()).isEqualTo(200);
		assertThat(miss.header("X-Cache-Status")).isEqualTo("miss");
		assertThat(miss.text()).isEqualTo("cached body");
		this.clock.advance(Duration.ofSeconds(5));
		RawHttpClient.Response hit = get(port, "/a");
		assertThat(hit.status()).isEqualTo(200);
		assertThat(hit.header("X-Cache-Status")).isEqualTo("hit");
		assertThat(hit.text()).isEqualTo("cached body");
		assertThat(hit.header("Age")).isEqualTo("5");
		assertThat(hit.header("Content-Length")).isEqualTo("11");
		assertThat(origin.requests()).hasSize(1);
		// A hit never reaches the upstream phases.
		assertThat(this.peersSelected).hasValue(1);
		await().untilAsserted(() -> assertThat(this.config.stats().count(CachePhase.HIT)).isEqualTo(1));
		// Another path is another key.
		get(port, "/b");
		assertThat(origin.requests()).hasSize(2);
	}

	@Test
	void responsesThatMayNotBeStoredGoToTheOriginEachTime() {
		TestOrigin origin = origin((request, response) -> {
			String path = request.path();
			String directives = switch (path) {
				case "no-store" -> "no-store, max-age=60";
				case "private" -> "private, max-age=60";
				default -> "max-age=60";
			};
			return response.header("Cache-Control", directives).sendString(Mono.just(path));
		});
		int port = gateway(origin);
		for (String path : List.of("/no-store", "/private")) {
			assertThat(get(port, path).header("X-Cache-Status")).isEqualTo("no-cache");
			// The predictor remembers the key: the next request skips the lookup.
			assertThat(get(port, path).header("X-Cache-Status")).isEqualTo("bypass");
		}
		assertThat(origin.requests()).hasSize(4);
		// A request with Authorization: stored only with public, must-revalidate or
		// s-maxage.
		assertThat(get(port, "/auth", "Authorization: Basic YTpi").header("X-Cache-Status")).isEqualTo("no-cache");
		assertThat(get(port, "/auth", "Authorization: Basic YTpi").header("X-Cache-Status")).isEqualTo("bypass");
		assertThat(origin.requests()).hasSize(6);
	}

	@Test
	void fieldsNamedByPrivateAreNotStored() {
		TestOrigin origin = origin(
				(request, response) -> response.header("Cache-Control", "max-age=60, private=\"X-Secret\"")
					.header("X-Secret", "for the first client only")
					.sendString(Mono.just("x")));
		int port = gateway(origin);
		assertThat(get(port, "/p").header("X-Secret")).isEqualTo("for the first client only");
		RawHttpClient.Response hit = get(port, "/p");
		assertThat(hit.header("X-Cache-Status")).isEqualTo("hit");
		assertThat(hit.header("X-Secret")).isNull();
	}

	@Test
	void variantsAreStoredPerVaryValue() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.header("Vary", "Accept-Language")
			.sendString(Mono.just("lang=" + request.requestHeaders().get("Accept-Language"))));
		int port = gateway(origin);
		assertThat(get(port, "/v", "Accept-Language: en").text()).isEqualTo("lang=en");
		assertThat(get(port, "/v", "Accept-Language: fr").text()).isEqualTo("lang=fr");
		RawHttpClient.Response en = get(port, "/v", "Accept-Language: en");
		assertThat(en.text()).isEqualTo("lang=en");
		assertThat(en.header("X-Cache-Status")).isEqualTo("hit");
		RawHttpClient.Response fr = get(port, "/v", "Accept-Language: fr");
		assertThat(fr.text()).isEqualTo("lang=fr");
		assertThat(fr.header("X-Cache-Status")).isEqualTo("hit");
		assertThat(origin.requests()).hasSize(2);
	}

	@Test
	void purgingAKeyRemovesAllItsVariants() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.header("Vary", "Accept-Language")
			.sendString(Mono.just("lang=" + request.requestHeaders().get("Accept-Language"))));
		int port = gateway(origin);
		get(port, "/pv", "Accept-Language: en");
		get(port, "/pv", "Accept-Language: fr");
		assertThat(exchange(port, "PURGE", "/pv", false).status()).isEqualTo(200);
		assertThat(get(port, "/pv", "Accept-Language: en").header("X-Cache-Status")).isEqualTo("miss");
		// The new variant must not bring the purged one back.
		assertThat(get(port, "/pv", "Accept-Language: fr").header("X-Cache-Status")).isEqualTo("miss");
		assertThat(origin.requests()).hasSize(4);
	}

	@Test
	void aBodyOfUnknownLengthTooLargeToStoreStillReachesItsClientWhole() {
		// 2 MiB in chunks, no Content-Length: the storage (1 MiB per object) gives up
		// midway.
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.send(Flux.range(0, 64).map((i) -> io.netty.buffer.Unpooled.wrappedBuffer(new byte[32 * 1024]))));
		int port = gateway(origin);
		RawHttpClient.Response first = get(port, "/huge");
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.body()).hasSize(2 * 1024 * 1024);
		RawHttpClient.Response second = get(port, "/huge");
		assertThat(second.body()).hasSize(2 * 1024 * 1024);
		// The predictor learnt it: the next request goes straight to the origin.
		assertThat(second.header("X-Cache-Status")).isEqualTo("bypass");
		assertThat(origin.requests()).hasSize(2);
	}

	@Test
	void aStaleResponseIsRevalidatedAndThe304UpdatesIt() {
		AtomicInteger version = new AtomicInteger();
		TestOrigin origin = origin((request, response) -> {
			if ("\"v1\"".equals(request.requestHeaders().get("If-None-Match"))) {
				return response.status(304)
					.header("Cache-Control", "max-age=60")
					.header("ETag", "\"v1\"")
					.header("X-Checked", "yes")
					.send();
			}
			version.incrementAndGet();
			return response.header("Cache-Control", "max-age=1")
				.header("ETag", "\"v1\"")
				.sendString(Mono.just("version one"));
		});
		int port = gateway(origin);
		get(port, "/r");
		this.clock.advance(Duration.ofSeconds(2));
		RawHttpClient.Response revalidated = get(port, "/r");
		assertThat(revalidated.status()).isEqualTo(200);
		assertThat(revalidated.text()).isEqualTo("version one");
		assertThat(revalidated.header("X-Cache-Status")).isEqualTo("revalidated");
		assertThat(revalidated.header("X-Checked")).isEqualTo("yes");
		assertThat(origin.lastRequest().headers().get("If-None-Match")).isEqualTo("\"v1\"");
		// The 304's max-age=60 now applies.
		this.clock.advance(Duration.ofSeconds(10));
		RawHttpClient.Response hit = get(port, "/r");
		assertThat(hit.header("X-Cache-Status")).isEqualTo("hit");
		assertThat(hit.header("X-Checked")).isEqualTo("yes");
		assertThat(version.get()).isEqualTo(1);
		assertThat(origin.requests()).hasSize(2);
	}

	@Test
	void conditionalClientsGet304FromTheCache() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.header("ETag", "W/\"e1\"")
			.header("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT")
			.sendString(Mono.just("body")));
		int port = gateway(origin);
		// The first request is conditional too: the origin is asked for the whole
		// response, which is stored, and the client still gets its 304.
		RawHttpClient.Response first = get(port, "/c", "If-None-Match: \"e1\"");
		assertThat(first.status()).isEqualTo(304);
		assertThat(origin.lastRequest().headers().get("If-None-Match")).isNull();
		RawHttpClient.Response byTag = get(port, "/c", "If-None-Match: \"other\", W/\"e1\"");
		assertThat(byTag.status()).isEqualTo(304);
		assertThat(byTag.body()).isEmpty();
		assertThat(byTag.header("ETag")).isEqualTo("W/\"e1\"");
		RawHttpClient.Response byDate = get(port, "/c", "If-Modified-Since: Mon, 02 Nov 2026 10:00:00 GMT");
		assertThat(byDate.status()).isEqualTo(304);
		RawHttpClient.Response changed = get(port, "/c", "If-None-Match: \"e2\"");
		assertThat(changed.status()).isEqualTo(200);
		assertThat(changed.text()).isEqualTo("body");
		assertThat(origin.requests()).hasSize(1);
	}

	@Test
	void headIsAnsweredFromAStoredGetAndFillsItAsAGet() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.sendString(Mono.just("twelve bytes")));
		int port = gateway(origin);
		RawHttpClient.Response head = exchange(port, "HEAD", "/h", true);
		assertThat(head.status()).isEqualTo(200);
		assertThat(head.header("Content-Length")).isEqualTo("12");
		assertThat(head.body()).isEmpty();
		assertThat(origin.lastRequest().method()).isEqualTo(HttpMethod.GET);
		RawHttpClient.Response get = get(port, "/h");
		assertThat(get.header("X-Cache-Status")).isEqualTo("hit");
		assertThat(get.text()).isEqualTo("twelve bytes");
		RawHttpClient.Response headHit = exchange(port, "HEAD", "/h", true);
		assertThat(headHit.header("X-Cache-Status")).isEqualTo("hit");
		assertThat(headHit.header("Content-Length")).isEqualTo("12");
		assertThat(origin.requests()).hasSize(1);
	}

	@Test
	void rangesAreServedFromTheCache() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.header("Content-Type", "text/plain")
			.header("ETag", "\"r\"")
			.sendString(Mono.just("0123456789")));
		int port = gateway(origin);
		get(port, "/range");
		RawHttpClient.Response single = get(port, "/range", "Range: bytes=2-4");
		assertThat(single.status()).isEqualTo(206);
		assertThat(single.text()).isEqualTo("234");
		assertThat(single.header("Content-Range")).isEqualTo("bytes 2-4/10");
		RawHttpClient.Response suffix = get(port, "/range", "Range: bytes=-3");
		assertThat(suffix.text()).isEqualTo("789");
		RawHttpClient.Response multi = get(port, "/range", "Range: bytes=0-1,5-6");
		assertThat(multi.status()).isEqualTo(206);
		String type = multi.header("Content-Type");
		assertThat(type).startsWith("multipart/byteranges; boundary=");
		String boundary = type.substring(type.indexOf('=') + 1);
		assertThat(multi.text()).isEqualTo(
				"\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10" + "\r\n\r\n01\r\n--"
						+ boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 5-6/10\r\n\r\n56" + "\r\n--"
						+ boundary + "--\r\n");
		assertThat(multi.header("Content-Length")).isEqualTo(String.valueOf(multi.body().length));
		RawHttpClient.Response unsatisfiable = get(port, "/range", "Range: bytes=20-30");
		assertThat(unsatisfiable.status()).isEqualTo(416);
		assertThat(unsatisfiable.header("Content-Range")).isEqualTo("bytes */10");
		RawHttpClient.Response ifRangeFails = get(port, "/range", "Range: bytes=2-4", "If-Range: \"old\"");
		assertThat(ifRangeFails.status()).isEqualTo(200);
		assertThat(ifRangeFails.text()).isEqualTo("0123456789");
		RawHttpClient.Response ifRangeHolds = get(port, "/range", "Range: bytes=2-4", "If-Range: \"r\"");
		assertThat(ifRangeHolds.status()).isEqualTo(206);
		assertThat(origin.requests()).hasSize(1);
	}

	@Test
	void staleWhileRevalidateServesStaleAndRefreshesInTheBackground() {
		AtomicInteger version = new AtomicInteger();
		TestOrigin origin = origin(
				(request, response) -> response.header("Cache-Control", "max-age=1, stale-while-revalidate=60")
					.sendString(Mono.just("v" + version.incrementAndGet())));
		int port = gateway(origin);
		assertThat(get(port, "/swr").text()).isEqualTo("v1");
		this.clock.advance(Duration.ofSeconds(3));
		RawHttpClient.Response stale = get(port, "/swr");
		assertThat(stale.text()).isEqualTo("v1");
		assertThat(stale.header("X-Cache-Status")).isEqualTo("stale-updating");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			RawHttpClient.Response refreshed = get(port, "/swr");
			assertThat(refreshed.text()).isEqualTo("v2");
			assertThat(refreshed.header("X-Cache-Status")).isEqualTo("hit");
		});
		assertThat(origin.requests()).hasSize(2);
	}

	@Test
	void staleIfErrorServesStaleWhenTheOriginFails() {
		AtomicReference<Integer> status = new AtomicReference<>(200);
		TestOrigin origin = origin((request, response) -> response.status(status.get())
			.header("Cache-Control", "max-age=1, stale-if-error=60")
			.sendString(Mono.just("status " + status.get())));
		int port = gateway(origin);
		get(port, "/sie");
		this.clock.advance(Duration.ofSeconds(3));
		status.set(503);
		RawHttpClient.Response stale = get(port, "/sie");
		assertThat(stale.status()).isEqualTo(200);
		assertThat(stale.text()).isEqualTo("status 200");
		assertThat(stale.header("X-Cache-Status")).isEqualTo("stale");
		// The origin gone altogether: a connection error after the retries.
		origin.close();
		RawHttpClient.Response down = get(port, "/sie");
		assertThat(down.status()).isEqualTo(200);
		assertThat(down.text()).isEqualTo("status 200");
		// Past the allowance, the error goes through.
		this.clock.advance(Duration.ofSeconds(120));
		assertThat(get(port, "/sie").status()).isEqualTo(502);
	}

	@Test
	void concurrentMissesMakeOneOriginRequest() throws Exception {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.header("Content-Length", "30")
			.send(Flux.range(0, 3)
				.delayElements(Duration.ofMillis(100))
				.map((i) -> io.netty.buffer.Unpooled.copiedBuffer("chunk " + i + "...", StandardCharsets.US_ASCII))));
		int port = gateway(origin);
		List<CompletableFuture<RawHttpClient.Response>> responses = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			responses.add(CompletableFuture.supplyAsync(() -> get(port, "/lock")));
		}
		for (CompletableFuture<RawHttpClient.Response> response : responses) {
			assertThat(response.get().text()).isEqualTo("chunk 0...chunk 1...chunk 2...");
		}
		assertThat(origin.requests()).hasSize(1);
	}

	@Test
	void aResponseStillBeingStoredIsStreamedToTheNextClient() throws Exception {
		Sinks.Many<String> rest = Sinks.many().unicast().onBackpressureBuffer();
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.header("Content-Length", "10")
			.sendString(Flux.concat(Flux.just("first"), rest.asFlux())));
		int port = gateway(origin);
		try (RawHttpClient first = new RawHttpClient(port); RawHttpClient second = new RawHttpClient(port)) {
			first.send("GET /stream HTTP/1.1\r\nHost: cache.test\r\n\r\n");
			assertThat(first.readHead().header("X-Cache-Status")).isEqualTo("miss");
			assertThat(new String(first.input().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("first");
			// The origin has sent half the body; the next client gets that half now.
			second.send("GET /stream HTTP/1.1\r\nHost: cache.test\r\n\r\n");
			RawHttpClient.Response head = second.readHead();
			assertThat(head.header("X-Cache-Status")).isEqualTo("hit");
			assertThat(head.header("Content-Length")).isEqualTo("10");
			assertThat(new String(second.input().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("first");
			rest.tryEmitNext("-rest");
			rest.tryEmitComplete();
			assertThat(new String(first.input().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("-rest");
			assertThat(new String(second.input().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("-rest");
		}
		assertThat(origin.requests()).hasSize(1);
	}

	@Test
	void aFillGoesOnWhenItsClientLeaves() throws Exception {
		Sinks.Many<String> rest = Sinks.many().unicast().onBackpressureBuffer();
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.header("Content-Length", "10")
			.sendString(Flux.concat(Flux.just("first"), rest.asFlux())));
		int port = gateway(origin);
		try (RawHttpClient leaving = new RawHttpClient(port)) {
			leaving.send("GET /left HTTP/1.1\r\nHost: cache.test\r\n\r\n");
			assertThat(leaving.readHead().header("X-Cache-Status")).isEqualTo("miss");
			assertThat(new String(leaving.input().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("first");
		}
		// The client is gone; the origin finishes, and the stored response is whole.
		rest.tryEmitNext("-rest");
		rest.tryEmitComplete();
		await().untilAsserted(() -> {
			RawHttpClient.Response hit = get(port, "/left");
			assertThat(hit.header("X-Cache-Status")).isEqualTo("hit");
			assertThat(hit.text()).isEqualTo("first-rest");
		});
		assertThat(origin.requests()).hasSize(1);
	}

	@Test
	void unsafeRequestsInvalidateTheStoredResponse() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.sendString(Mono.just(request.method().name())));
		int port = gateway(origin);
		get(port, "/doc");
		assertThat(get(port, "/doc").header("X-Cache-Status")).isEqualTo("hit");
		RawHttpClient.Response post = exchange(port, "POST", "/doc", false, "Content-Length: 0");
		assertThat(post.text()).isEqualTo("POST");
		assertThat(get(port, "/doc").header("X-Cache-Status")).isEqualTo("miss");
		assertThat(origin.requests()).hasSize(3);
	}

	@Test
	void purgeRemovesTheStoredResponse() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.sendString(Mono.just("purgeable")));
		int port = gateway(origin);
		get(port, "/x");
		assertThat(exchange(port, "PURGE", "/x", false).status()).isEqualTo(200);
		assertThat(exchange(port, "PURGE", "/x", false).status()).isEqualTo(404);
		assertThat(get(port, "/x").header("X-Cache-Status")).isEqualTo("miss");
		assertThat(this.config.stats().purges()).isEqualTo(1);
		// Not for a request whose cache is off.
		assertThat(exchange(port, "PURGE", "/x", false, "X-No-Cache: 1").status()).isEqualTo(405);
	}

	@Test
	void responsesLargerThanTheLargestObjectAreNotStored() {
		String big = "b".repeat(100 * 1024);
		TestOrigin origin = origin(
				(request, response) -> response.header("Cache-Control", "max-age=60").sendString(Mono.just(big)));
		int port = gateway(origin);
		assertThat(get(port, "/big").text()).hasSize(big.length());
		RawHttpClient.Response again = get(port, "/big");
		assertThat(again.text()).isEqualTo(big);
		assertThat(again.header("X-Cache-Status")).isEqualTo("bypass");
		assertThat(origin.requests()).hasSize(2);
	}

	@Test
	void requestDirectivesAreHonoured() {
		TestOrigin origin = origin(
				(request, response) -> response.header("Cache-Control", "max-age=60").sendString(Mono.just("x")));
		int port = gateway(origin);
		assertThat(get(port, "/d", "Cache-Control: only-if-cached").status()).isEqualTo(504);
		get(port, "/d");
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(get(port, "/d", "Cache-Control: max-age=5").header("X-Cache-Status")).isEqualTo("expired");
		assertThat(get(port, "/d", "Cache-Control: no-cache").header("X-Cache-Status")).isEqualTo("expired");
		assertThat(get(port, "/d").header("X-Cache-Status")).isEqualTo("hit");
		assertThat(origin.requests()).hasSize(3);
	}

	@Test
	void aProxyFilterCanEnableCachingForTheProxyItWraps() {
		TestOrigin origin = origin((request, response) -> response.header("Cache-Control", "max-age=60")
			.sendString(Mono.just("filtered")));
		CacheConfig cache = this.config;
		ProxyFilter enabling = new ProxyFilter() {

			@Override
			public void requestCacheFilter(Session session) {
				session.cache().enable(cache);
			}

		};
		int port = this.resources
			.gateway(FilteredProxyHttp.of(new ForwardingProxy(origin.port()), List.of(enabling, new ProxyFilter() {
			})))
			.port();
		get(port, "/f");
		RawHttpClient.Response hit = get(port, "/f");
		assertThat(hit.header("X-Cache-Status")).isEqualTo("hit");
		assertThat(hit.text()).isEqualTo("filtered");
		assertThat(origin.requests()).hasSize(1);
	}

	private TestOrigin origin(
			java.util.function.BiFunction<HttpServerRequest, HttpServerResponse, org.reactivestreams.Publisher<Void>> handler) {
		return this.resources.add(TestOrigin.start(handler));
	}

	private int gateway(TestOrigin origin) {
		CacheConfig cache = this.config;
		Server server = this.resources.gateway(new ForwardingProxy(origin.port()) {

			@Override
			public void requestCacheFilter(Session session, Object ctx) {
				if (!session.requestHeader().headers().contains("X-No-Cache")) {
					session.cache().enable(cache);
				}
			}

			@Override
			public boolean isPurge(Session session, Object ctx) {
				return session.requestHeader().method().name().equals("PURGE");
			}

			@Override
			public Mono<HttpPeer> upstreamPeer(Session session, Object ctx) {
				CacheTests.this.peersSelected.incrementAndGet();
				return super.upstreamPeer(session, ctx);
			}

		});
		return server.port();
	}

	private static RawHttpClient.Response get(int port, String path, String... headers) {
		return exchange(port, "GET", path, false, headers);
	}

	private static RawHttpClient.Response exchange(int port, String method, String path, boolean head,
			String... headers) {
		StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: cache.test\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		request.append("\r\n");
		try (RawHttpClient client = new RawHttpClient(port)) {
			client.send(request.toString());
			return client.read(head);
		}
	}

	/**
	 * A wall clock the test moves.
	 */
	static final class MutableClock extends Clock {

		private volatile Instant now = Instant.now();

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
