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

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.pingora.cache.CacheLock.ReadLock;
import dev.pingora.cache.CacheLock.Status;
import dev.pingora.cache.CacheLock.WritePermit;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CacheLock}.
 */
class CacheLockTests {

	private static final CacheKey KEY = new CacheKey("GET http://a/x", null);

	private final AtomicLong nanos = new AtomicLong();

	private final CacheLock lock = new CacheLock(Duration.ofSeconds(10), this.nanos::get);

	@Test
	void theFirstMissWritesAndTheOthersWaitForIt() {
		CacheLock.Locked first = this.lock.lock(KEY);
		CacheLock.Locked second = this.lock.lock(KEY);
		CacheLock.Locked third = this.lock.lock(KEY);
		assertThat(first).isInstanceOf(WritePermit.class);
		assertThat(second).isInstanceOf(ReadLock.class);
		assertThat(third).isInstanceOf(ReadLock.class);
		assertThat(this.lock.lock(new CacheKey("GET http://a/y", null))).isInstanceOf(WritePermit.class);
		StepVerifier.create(((ReadLock) second).await(Duration.ofSeconds(5)))
			.then(() -> ((WritePermit) first).release(Status.DONE))
			.expectNext(Status.DONE)
			.verifyComplete();
		StepVerifier.create(((ReadLock) third).await(Duration.ofSeconds(5))).expectNext(Status.DONE).verifyComplete();
		assertThat(this.lock.size()).isEqualTo(1);
		assertThat(this.lock.lock(KEY)).as("released: the next miss writes").isInstanceOf(WritePermit.class);
	}

	@Test
	void aWriterThatFailsOrGivesUpTellsItsReaders() {
		WritePermit writer = (WritePermit) this.lock.lock(KEY);
		ReadLock reader = (ReadLock) this.lock.lock(KEY);
		writer.release(Status.GIVE_UP);
		StepVerifier.create(reader.await(Duration.ofSeconds(5))).expectNext(Status.GIVE_UP).verifyComplete();
	}

	@Test
	void aReaderWaitsNoLongerThanItsWaitTimeout() {
		this.lock.lock(KEY);
		ReadLock reader = (ReadLock) this.lock.lock(KEY);
		StepVerifier.withVirtualTime(() -> reader.await(Duration.ofSeconds(2)))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(1999))
			.thenAwait(Duration.ofMillis(1))
			.expectNext(Status.WAIT_TIMEOUT)
			.verifyComplete();
	}

	@Test
	void aWriterOlderThanTheAgeTimeoutLosesTheLock() {
		WritePermit old = (WritePermit) this.lock.lock(KEY);
		this.nanos.addAndGet(Duration.ofSeconds(8).toNanos());
		ReadLock reader = (ReadLock) this.lock.lock(KEY);
		StepVerifier.withVirtualTime(() -> reader.await(Duration.ofSeconds(30)))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(2))
			.expectNext(Status.AGE_TIMEOUT)
			.verifyComplete();
		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		CacheLock.Locked next = this.lock.lock(KEY);
		assertThat(next).isInstanceOf(WritePermit.class);
		// The old writer's late release does not free the new writer's lock.
		old.release(Status.DONE);
		assertThat(this.lock.lock(KEY)).isInstanceOf(ReadLock.class);
	}

}
