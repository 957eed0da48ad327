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

package dev.pingora.metrics;

import java.util.Locale;
import java.util.Objects;

import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.CachePhase;
import dev.pingora.cache.CacheStats;
import dev.pingora.cache.MemoryStorage;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds the meters of an HTTP cache: requests by cache phase (hits, misses, stale serves,
 * revalidations, ...), lock waits and purges, and for a {@link MemoryStorage} its
 * entries, bytes and evictions.
 *
 * @since 0.1.0
 * @see PingoraMeters
 */
public final class CacheMetrics implements MeterBinder {

	private final CacheConfig cache;

	/**
	 * Create the binder.
	 * @param cache the cache
	 */
	public CacheMetrics(CacheConfig cache) {
		this.cache = Objects.requireNonNull(cache, "cache");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		CacheStats stats = this.cache.stats();
		for (CachePhase phase : CachePhase.values()) {
			if (phase == CachePhase.UNINIT) {
				continue;
			}
			FunctionCounter.builder(PingoraMeters.CACHE_REQUESTS.meterName(), stats, (s) -> s.count(phase))
				.description("Requests that used the cache, by the phase they ended in")
				.tag(PingoraMeters.Tag.PHASE.key(), tagValue(phase))
				.register(registry);
		}
		FunctionCounter.builder(PingoraMeters.CACHE_LOCK_WAITS.meterName(), stats, CacheStats::lockWaits)
			.description("Waits for the cache lock")
			.register(registry);
		FunctionCounter.builder(PingoraMeters.CACHE_PURGES.meterName(), stats, CacheStats::purges)
			.description("Purges that removed a stored response")
			.register(registry);
		if (this.cache.storage() instanceof MemoryStorage memory) {
			Gauge.builder(PingoraMeters.CACHE_ENTRIES.meterName(), memory, MemoryStorage::size)
				.description("Stored responses")
				.register(registry);
			Gauge.builder(PingoraMeters.CACHE_BYTES.meterName(), memory, MemoryStorage::weightedSize)
				.description("Bytes stored, bodies and header fields")
				.baseUnit("bytes")
				.register(registry);
			FunctionCounter.builder(PingoraMeters.CACHE_EVICTIONS.meterName(), memory, MemoryStorage::evictions)
				.description("Stored responses evicted to make room")
				.register(registry);
		}
	}

	/**
	 * The tag value of a phase: {@code disabled} for {@link CachePhase#DISABLED},
	 * {@code revalidated-no-cache} for {@link CachePhase#REVALIDATED_NO_CACHE}, else the
	 * status header's label.
	 */
	static String tagValue(CachePhase phase) {
		return switch (phase) {
			case DISABLED, REVALIDATED_NO_CACHE -> phase.name().toLowerCase(Locale.ROOT).replace('_', '-');
			default -> phase.label();
		};
	}

}
