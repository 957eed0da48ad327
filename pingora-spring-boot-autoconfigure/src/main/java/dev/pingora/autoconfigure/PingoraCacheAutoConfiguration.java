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

package dev.pingora.autoconfigure;

import java.time.Duration;

import dev.pingora.cache.CacheConfig;
import dev.pingora.cache.CacheLock;
import dev.pingora.cache.MemoryStorage;
import dev.pingora.cache.Predictor;
import dev.pingora.cache.Storage;
import dev.pingora.metrics.CacheMetrics;
import dev.pingora.time.Ticker;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the HTTP cache: a {@link MemoryStorage} and the
 * {@link CacheConfig} requests enable, from {@code pingora.cache.*}. The storage takes
 * memory only as responses are stored.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = PingoraRoutingAutoConfiguration.class)
@ConditionalOnPingoraEnabled
@EnableConfigurationProperties(PingoraCacheProperties.class)
public final class PingoraCacheAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(Storage.class)
	MemoryStorage pingoraCacheStorage(PingoraCacheProperties properties) {
		long maxSize = positive("pingora.cache.max-size", properties.getMaxSize().toBytes());
		long maxObjectSize = positive("pingora.cache.max-object-size", properties.getMaxObjectSize().toBytes());
		return new MemoryStorage(maxSize, maxObjectSize, properties.isOffHeap());
	}

	@Bean
	@ConditionalOnMissingBean
	CacheConfig pingoraCacheConfig(PingoraCacheProperties properties, Storage storage) {
		PingoraCacheProperties.Lock lock = properties.getLock();
		CacheConfig.Builder builder = CacheConfig.builder(storage)
			.maxFileSize(positive("pingora.cache.max-object-size", properties.getMaxObjectSize().toBytes()))
			.statusHeader(properties.getStatusHeader())
			.defaultStaleWhileRevalidate(
					notNegative("pingora.cache.stale-while-revalidate", properties.getStaleWhileRevalidate()))
			.defaultStaleIfError(notNegative("pingora.cache.stale-if-error", properties.getStaleIfError()))
			.predictor((properties.getPredictorSize() > 0) ? new Predictor(properties.getPredictorSize()) : null);
		if (lock.isEnabled()) {
			builder
				.lock(new CacheLock(positive("pingora.cache.lock.age-timeout", lock.getAgeTimeout()), Ticker.system()))
				.lockWaitTimeout(positive("pingora.cache.lock.wait-timeout", lock.getWaitTimeout()));
		}
		else {
			builder.lock(null);
		}
		return builder.build();
	}

	/**
	 * The cache's meters, when Micrometer is there.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	@ConditionalOnBooleanProperty(name = "pingora.metrics.enabled", matchIfMissing = true)
	static class CacheMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CacheMetrics pingoraCacheMetrics(CacheConfig cache) {
			return new CacheMetrics(cache);
		}

	}

	private static long positive(String name, long bytes) {
		if (bytes < 1) {
			throw new InvalidConfigurationPropertyValueException(name, bytes + "B", "Set a size above zero.");
		}
		return bytes;
	}

	private static Duration notNegative(String name, Duration duration) {
		if (duration.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, duration, "Set zero or more.");
		}
		return duration;
	}

	private static Duration positive(String name, Duration duration) {
		if (duration.isNegative() || duration.isZero()) {
			throw new InvalidConfigurationPropertyValueException(name, duration, "Set a duration above zero.");
		}
		return duration;
	}

}
