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

import java.util.List;

import dev.pingora.cache.ByteRanges.Partial;
import dev.pingora.cache.ByteRanges.Range;
import dev.pingora.cache.ByteRanges.Unsatisfiable;
import dev.pingora.cache.ByteRanges.Whole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ByteRanges}.
 */
class ByteRangesTests {

	@Test
	void singleRangesOpenRangesAndSuffixes() {
		assertThat(ByteRanges.resolve("bytes=0-99", 1000)).isEqualTo(partial(new Range(0, 99)));
		assertThat(ByteRanges.resolve("Bytes = 900-", 1000)).isEqualTo(partial(new Range(900, 999)));
		assertThat(ByteRanges.resolve("bytes=990-2000", 1000)).isEqualTo(partial(new Range(990, 999)));
		assertThat(ByteRanges.resolve("bytes=-10", 1000)).isEqualTo(partial(new Range(990, 999)));
		assertThat(ByteRanges.resolve("bytes=-5000", 1000)).isEqualTo(partial(new Range(0, 999)));
		assertThat(new Range(990, 999).contentRange(1000)).isEqualTo("bytes 990-999/1000");
		assertThat(new Range(990, 999).length()).isEqualTo(10);
	}

	@Test
	void severalRangesInOrderAreKeptAndUnsatisfiableOnesSkipped() {
		assertThat(ByteRanges.resolve("bytes=0-9, 20-29, 5000-6000", 1000))
			.isEqualTo(partial(new Range(0, 9), new Range(20, 29)));
	}

	@Test
	void overlappingOutOfOrderMalformedOrOtherUnitsServeTheWholeBody() {
		assertThat(ByteRanges.resolve(null, 1000)).isInstanceOf(Whole.class);
		assertThat(ByteRanges.resolve("bytes=0-50, 40-60", 1000)).isInstanceOf(Whole.class);
		assertThat(ByteRanges.resolve("bytes=50-60, 0-10", 1000)).isInstanceOf(Whole.class);
		assertThat(ByteRanges.resolve("bytes=a-b", 1000)).isInstanceOf(Whole.class);
		assertThat(ByteRanges.resolve("bytes=10-5", 1000)).isInstanceOf(Whole.class);
		assertThat(ByteRanges.resolve("items=0-5", 1000)).isInstanceOf(Whole.class);
		assertThat(ByteRanges.resolve("bytes=" + "1-1,".repeat(201), 1000)).isInstanceOf(Whole.class);
	}

	@Test
	void nothingSatisfiableIs416() {
		assertThat(ByteRanges.resolve("bytes=1000-", 1000)).isInstanceOf(Unsatisfiable.class);
		assertThat(ByteRanges.resolve("bytes=", 1000)).isInstanceOf(Unsatisfiable.class);
		assertThat(ByteRanges.resolve("bytes=-0", 1000)).isInstanceOf(Unsatisfiable.class);
	}

	@Test
	void ifRangeNeedsAStrongEtagMatchOrTheExactLastModified() {
		String date = "Sun, 22 Nov 2026 10:00:00 GMT";
		assertThat(ByteRanges.ifRangeHolds(null, null, null)).isTrue();
		assertThat(ByteRanges.ifRangeHolds("\"v1\"", "\"v1\"", null)).isTrue();
		assertThat(ByteRanges.ifRangeHolds("\"v1\"", "\"v2\"", null)).isFalse();
		assertThat(ByteRanges.ifRangeHolds("W/\"v1\"", "W/\"v1\"", null)).isFalse();
		assertThat(ByteRanges.ifRangeHolds("\"v1\"", "W/\"v1\"", null)).isFalse();
		assertThat(ByteRanges.ifRangeHolds(date, null, date)).isTrue();
		assertThat(ByteRanges.ifRangeHolds(date, "\"v1\"", "Mon, 23 Nov 2026 10:00:00 GMT")).isFalse();
	}

	private static Partial partial(Range... ranges) {
		return new Partial(List.of(ranges));
	}

}
