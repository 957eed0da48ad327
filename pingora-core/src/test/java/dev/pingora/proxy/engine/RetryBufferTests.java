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

package dev.pingora.proxy.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pingora.error.ErrorSource;
import dev.pingora.error.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryBuffer}.
 */
class RetryBufferTests {

	@Test
	void aSecondAttemptReplaysWhatTheFirstConsumedThenContinues() {
		Sinks.Many<ByteBuf> client = Sinks.many().unicast().onBackpressureBuffer();
		RetryBuffer body = new RetryBuffer(client.asFlux(), 1024);
		List<String> first = new ArrayList<>();
		StepVerifier.create(body.attempt().map(RetryBufferTests::text), 0)
			.thenRequest(2)
			.then(() -> client.tryEmitNext(chunk("one ")))
			.then(() -> client.tryEmitNext(chunk("two ")))
			.recordWith(() -> first)
			.expectNextCount(2)
			.thenCancel()
			.verify();
		assertThat(first).containsExactly("one ", "two ");
		assertThat(body.isTruncated()).isFalse();

		StepVerifier.create(body.attempt().map(RetryBufferTests::text))
			.expectNext("one ", "two ")
			.then(() -> client.tryEmitNext(chunk("three")))
			.expectNext("three")
			.then(client::tryEmitComplete)
			.verifyComplete();
		assertThat(body.bytesRead()).isEqualTo(13);
		body.dispose();
	}

	@Test
	void aBodyLargerThanTheLimitTruncatesAndCannotBeReplayed() {
		RetryBuffer body = new RetryBuffer(Flux.just(chunk("0123456789"), chunk("abcdefghij"), chunk("KLMNO")), 15);
		StepVerifier.create(body.attempt().map(RetryBufferTests::text))
			.expectNext("0123456789", "abcdefghij", "KLMNO")
			.verifyComplete();
		assertThat(body.isTruncated()).isTrue();
		StepVerifier.create(body.attempt()).verifyErrorSatisfies((error) -> {
			assertThat(((ProxyError) error).source()).isEqualTo(ErrorSource.UPSTREAM);
			assertThat(((ProxyError) error).isRetry()).isFalse();
			assertThat(error).hasMessageContaining("cannot be sent again");
		});
		body.dispose();
	}

	@Test
	void anAttemptAsksTheClientOnlyForWhatItWants() {
		AtomicInteger requested = new AtomicInteger();
		Flux<ByteBuf> client = Flux.range(0, 100)
			.map((index) -> chunk("chunk" + index))
			.doOnRequest((n) -> requested.addAndGet((int) Math.min(n, 1000)));
		RetryBuffer body = new RetryBuffer(client, 1 << 20);
		StepVerifier.create(body.attempt().map(RetryBufferTests::text), 3)
			.expectNext("chunk0", "chunk1", "chunk2")
			.thenCancel()
			.verify();
		assertThat(requested.get()).isEqualTo(3);
		body.dispose();
	}

	@Test
	void phasesThatMayEditChunksGetCopiesSoAReplaySendsTheOriginalBytes() {
		RetryBuffer body = new RetryBuffer(Flux.just(chunk("abc")), 1024, true);
		StepVerifier.create(body.attempt()).consumeNextWith((chunk) -> {
			chunk.setByte(0, 'X');
			chunk.release();
		}).verifyComplete();
		StepVerifier.create(body.attempt().map(RetryBufferTests::text)).expectNext("abc").verifyComplete();
		body.dispose();
	}

	@Test
	void disposeReleasesWhatIsKept() {
		ByteBuf kept = chunk("kept");
		RetryBuffer body = new RetryBuffer(Flux.just(kept), 1024);
		StepVerifier.create(body.attempt()).consumeNextWith(ByteBuf::release).verifyComplete();
		assertThat(kept.refCnt()).isEqualTo(1);
		body.dispose();
		assertThat(kept.refCnt()).isZero();
	}

	@Test
	void aClientErrorReachesTheAttempt() {
		RetryBuffer body = new RetryBuffer(
				Flux.concat(Flux.just(chunk("part")), Flux.error(new IllegalStateException("client went away"))), 1024);
		StepVerifier.create(body.attempt().map(RetryBufferTests::text))
			.expectNext("part")
			.verifyErrorSatisfies((error) -> {
				assertThat(error).isInstanceOf(ProxyError.class);
				assertThat(((ProxyError) error).source()).isEqualTo(ErrorSource.DOWNSTREAM);
				assertThat(error.getCause()).hasMessage("client went away");
			});
		body.dispose();
	}

	private static ByteBuf chunk(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
	}

	private static String text(ByteBuf buffer) {
		try {
			return buffer.toString(StandardCharsets.UTF_8);
		}
		finally {
			buffer.release();
		}
	}

}
