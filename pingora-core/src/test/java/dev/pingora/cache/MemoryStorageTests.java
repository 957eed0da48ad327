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

package dev.pingora.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemoryStorage} and {@link CacheMeta}.
 */
class MemoryStorageTests {

	private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

	private static final CacheKey KEY = CacheKey.of(HttpMethod.GET, "http", "Example.org", "/a?b=1");

	@Test
	void bodiesOffTheHeapReadBackAsDirectViews() {
		MemoryStorage storage = new MemoryStorage(1 << 20, 1 << 16, true);
		Storage.Fill fill = storage.startFill(KEY, meta(Duration.ofSeconds(60)));
		write(fill, "hello ");
		write(fill, "world");
		fill.finish();
		Storage.Hit hit = storage.lookup(KEY);
		assertThat(hit).isNotNull();
		List<ByteBuf> chunks = hit.body(0, -1).collectList().block();
		assertThat(chunks).isNotNull().allSatisfy((chunk) -> assertThat(chunk.isDirect()).isTrue());
		chunks.forEach(ByteBuf::release);
		assertThat(text(hit.body(4, 9))).isEqualTo("o wor");
		assertThat(text(hit.body(0, -1))).isEqualTo("hello world");
	}

	@Test
	void purgingAPrimaryKeyRemovesItsVariants() {
		MemoryStorage storage = new MemoryStorage(1 << 20, 1 << 16);
		CacheKey english = KEY.withVariance("en");
		CacheKey french = KEY.withVariance("fr");
		for (CacheKey key : List.of(KEY, english, french)) {
			storage.startFill(key, meta(Duration.ofSeconds(60))).finish();
		}
		// Replacing a variant keeps it tracked.
		storage.startFill(french, meta(Duration.ofSeconds(60))).finish();
		assertThat(storage.purge(KEY)).isTrue();
		assertThat(storage.lookup(english)).isNull();
		assertThat(storage.lookup(french)).isNull();
		assertThat(storage.size()).isZero();
	}

	@Test
	void aStoredResponseIsFoundWithItsMetaAndBody() {
		MemoryStorage storage = new MemoryStorage(1 << 20, 1 << 16);
		Storage.Fill fill = storage.startFill(KEY, meta(Duration.ofSeconds(60)));
		write(fill, "hello ");
		write(fill, "world");
		fill.finish();
		Storage.Hit hit = storage.lookup(KEY);
		assertThat(hit).isNotNull();
		assertThat(hit.isComplete()).isTrue();
		assertThat(hit.length()).isEqualTo(11);
		assertThat(hit.meta().status()).isEqualTo(200);
		assertThat(text(hit.body(0, -1))).isEqualTo("hello world");
		assertThat(text(hit.body(3, 8))).isEqualTo("lo wo");
		assertThat(storage.lookup(KEY.withVariance("gzip"))).isNull();
	}

	@Test
	void headIsKeyedAsGetAndHostsAreCaseInsensitive() {
		assertThat(CacheKey.of(HttpMethod.HEAD, "http", "EXAMPLE.org", "/a?b=1")).isEqualTo(KEY);
		assertThat(CacheKey.of(HttpMethod.GET, "https", "example.org", "/a?b=1")).isNotEqualTo(KEY);
	}

	@Test
	void aReaderOfAnEntryStillBeingFilledFollowsTheWriter() {
		MemoryStorage storage = new MemoryStorage(1 << 20, 1 << 16);
		Storage.Fill fill = storage.startFill(KEY, meta(Duration.ofSeconds(60)));
		write(fill, "first ");
		Storage.Hit hit = storage.lookup(KEY);
		assertThat(hit).isNotNull();
		assertThat(hit.isComplete()).isFalse();
		assertThat(hit.length()).isEqualTo(-1);
		StepVerifier.create(hit.body(0, -1).map(MemoryStorageTests::string))
			.expectNext("first ")
			.then(() -> write(fill, "second"))
			.expectNext("second")
			.then(fill::finish)
			.verifyComplete();
	}

	@Test
	void aFailedFillFailsItsReadersAndIsGone() {
		MemoryStorage storage = new MemoryStorage(1 << 20, 1 << 16);
		Storage.Fill fill = storage.startFill(KEY, meta(Duration.ofSeconds(60)));
		write(fill, "part");
		Storage.Hit hit = storage.lookup(KEY);
		StepVerifier.create(hit.body(0, -1).map(MemoryStorageTests::string))
			.expectNext("part")
			.then(() -> fill.abort(new IllegalStateException("origin went away")))
			.verifyErrorMessage("origin went away");
		assertThat(storage.lookup(KEY)).isNull();
	}

	@Test
	void aResponseLargerThanTheLargestObjectIsDropped() {
		MemoryStorage storage = new MemoryStorage(1 << 20, 8);
		Storage.Fill fill = storage.startFill(KEY, meta(Duration.ofSeconds(60)));
		assertThat(fill.write(Unpooled.copiedBuffer("12345", StandardCharsets.UTF_8))).isTrue();
		assertThat(fill.write(Unpooled.copiedBuffer("6789", StandardCharsets.UTF_8))).isFalse();
		fill.finish();
		assertThat(storage.lookup(KEY)).isNull();
	}

	@Test
	void entriesAreEvictedByWeightInBytes() {
		MemoryStorage storage = new MemoryStorage(64 * 1024, 64 * 1024);
		String body = "x".repeat(8 * 1024);
		for (int i = 0; i < 40; i++) {
			Storage.Fill fill = storage.startFill(new CacheKey("k" + i, null), meta(Duration.ofSeconds(60)));
			write(fill, body);
			fill.finish();
		}
		assertThat(storage.weightedSize()).isLessThanOrEqualTo(64 * 1024);
		assertThat(storage.size()).isLessThan(40);
		assertThat(storage.evictions()).isPositive();
	}

	@Test
	void purgeRemovesAndUpdateMetaKeepsTheBody() {
		MemoryStorage storage = new MemoryStorage(1 << 20, 1 << 16);
		Storage.Fill fill = storage.startFill(KEY, meta(Duration.ofSeconds(1)));
		write(fill, "body");
		fill.finish();
		assertThat(storage.updateMeta(KEY, meta(Duration.ofSeconds(99)))).isTrue();
		Storage.Hit hit = storage.lookup(KEY);
		assertThat(hit.meta().freshFor()).hasSeconds(99);
		assertThat(text(hit.body(0, -1))).isEqualTo("body");
		assertThat(storage.purge(KEY)).isTrue();
		assertThat(storage.purge(KEY)).isFalse();
		assertThat(storage.lookup(KEY)).isNull();
		assertThat(storage.updateMeta(KEY, meta(Duration.ofSeconds(1)))).isFalse();
	}

	@Test
	void metaAgeFreshnessAndStaleAllowances() {
		CacheMeta meta = new CacheMeta(200, CacheMeta.freeze(new DefaultHttpHeaders().set("ETag", "\"1\"")), NOW, NOW,
				Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ZERO);
		assertThat(meta.age(NOW.plusSeconds(5))).hasSeconds(15);
		assertThat(meta.isFresh(NOW.plusSeconds(49))).isTrue();
		assertThat(meta.isFresh(NOW.plusSeconds(50))).isFalse();
		assertThat(meta.canServeStaleWhileRevalidate(NOW.plusSeconds(79))).isTrue();
		assertThat(meta.canServeStaleWhileRevalidate(NOW.plusSeconds(80))).isFalse();
		assertThat(meta.canServeStaleIfError(NOW.plusSeconds(55))).isFalse();
		CacheMeta later = meta.revalidated(new CacheMeta(304, meta.headers(), NOW.plusSeconds(100),
				NOW.plusSeconds(100), Duration.ZERO, Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO));
		assertThat(later.status()).isEqualTo(200);
		assertThat(later.created()).isEqualTo(NOW);
		assertThat(later.isFresh(NOW.plusSeconds(120))).isTrue();
		assertThat(meta.headers().get("etag")).isEqualTo("\"1\"");
	}

	private static CacheMeta meta(Duration freshFor) {
		return new CacheMeta(200, CacheMeta.freeze(new DefaultHttpHeaders()), NOW, NOW, Duration.ZERO, freshFor,
				Duration.ZERO, Duration.ZERO);
	}

	private static void write(Storage.Fill fill, String text) {
		ByteBuf chunk = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
		try {
			assertThat(fill.write(chunk)).isTrue();
		}
		finally {
			chunk.release();
		}
	}

	private static String text(Flux<ByteBuf> body) {
		List<String> parts = body.map(MemoryStorageTests::string).collectList().block(Duration.ofSeconds(5));
		return String.join("", parts);
	}

	private static String string(ByteBuf chunk) {
		try {
			return chunk.toString(StandardCharsets.UTF_8);
		}
		finally {
			chunk.release();
		}
	}

}
