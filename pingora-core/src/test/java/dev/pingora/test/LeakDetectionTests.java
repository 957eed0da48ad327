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

package dev.pingora.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests that the test harness itself works: leak detection is paranoid and reports leaks,
 * and BlockHound is installed.
 */
class LeakDetectionTests {

	@Test
	void leakDetectionIsParanoidAndRecordsLeaks() {
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
		LeakDetection.collect();
		leakOneBuffer();
		List<String> leaks = LeakDetection.collect();
		assertThat(leaks).isNotEmpty();
		assertThat(leaks.get(0)).contains("leakOneBuffer");
	}

	@Test
	void blockHoundIsActive() {
		assertThatThrownBy(() -> Mono.delay(Duration.ofMillis(1))
			.doOnNext((tick) -> sleepBriefly())
			.publishOn(Schedulers.parallel())
			.block()).hasCauseInstanceOf(BlockingOperationError.class);
	}

	private static void leakOneBuffer() {
		ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(32);
		buffer.writeInt(42);
	}

	private static void sleepBriefly() {
		LockSupport.parkNanos(1_000);
	}

}
