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
import dev.pingora.cache.CacheKey;
import dev.pingora.cache.CacheMeta;
import dev.pingora.cache.MemoryStorage;
import dev.pingora.cache.Storage;
import dev.pingora.metrics.CacheMetrics;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PingoraCacheAutoConfiguration}.
 */
class PingoraCacheAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PingoraCacheAutoConfiguration.class, PingoraLoadBalancingAutoConfiguration.class,
						PingoraRoutingAutoConfiguration.class, PingoraServerAutoConfiguration.class))
		.withPropertyValues("pingora.server.listeners[0].address=127.0.0.1:0", "pingora.server.threads=1");

	@Test
	void theDefaultsGiveAMemoryStorageWithALockAPredictorAndMeters() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			CacheConfig config = context.getBean(CacheConfig.class);
			assertThat(config.storage()).isInstanceOf(MemoryStorage.class);
			assertThat(config.lock()).isNotNull();
			assertThat(config.lockWaitTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(config.predictor()).isNotNull();
			assertThat(config.maxFileSize()).isEqualTo(8L * 1024 * 1024);
			assertThat(config.statusHeader()).isNull();
			assertThat(config.defaultStaleIfError()).isZero();
			assertThat(context).hasSingleBean(CacheMetrics.class);
		});
	}

	@Test
	void propertiesShapeTheCache() {
		this.runner
			.withPropertyValues("pingora.cache.lock.enabled=false", "pingora.cache.predictor-size=0",
					"pingora.cache.max-object-size=64KB", "pingora.cache.status-header=X-Cache",
					"pingora.cache.stale-if-error=1m", "pingora.cache.stale-while-revalidate=5s")
			.run((context) -> {
				CacheConfig config = context.getBean(CacheConfig.class);
				assertThat(config.lock()).isNull();
				assertThat(config.predictor()).isNull();
				assertThat(config.maxFileSize()).isEqualTo(64 * 1024);
				assertThat(config.statusHeader()).isEqualTo("X-Cache");
				assertThat(config.defaultStaleIfError()).isEqualTo(Duration.ofMinutes(1));
				assertThat(config.defaultStaleWhileRevalidate()).isEqualTo(Duration.ofSeconds(5));
			});
	}

	@Test
	void aStorageBeanOfTheApplicationIsUsed() {
		this.runner.withUserConfiguration(OwnStorage.class)
			.run((context) -> assertThat(context.getBean(CacheConfig.class).storage())
				.isSameAs(context.getBean(Storage.class))
				.isNotInstanceOf(MemoryStorage.class));
	}

	@Test
	void invalidValuesNameTheirProperty() {
		this.runner.withPropertyValues("pingora.cache.max-size=0B")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pingora.cache.max-size"));
		this.runner.withPropertyValues("pingora.cache.lock.wait-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pingora.cache.lock.wait-timeout"));
		this.runner
			.withPropertyValues("pingora.upstreams.web.backends[0].address=127.0.0.1:9",
					"pingora.routes[0].upstream=web", "pingora.cache.purge.enabled=true",
					"pingora.cache.purge.allowed-addresses=localhost")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pingora.cache.purge.allowed-addresses[0]"));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnStorage {

		@Bean
		Storage storage() {
			return new Storage() {

				@Override
				public @Nullable Hit lookup(CacheKey key) {
					return null;
				}

				@Override
				public @Nullable Fill startFill(CacheKey key, CacheMeta meta) {
					return null;
				}

				@Override
				public boolean updateMeta(CacheKey key, CacheMeta meta) {
					return false;
				}

				@Override
				public boolean purge(CacheKey key) {
					return false;
				}

			};
		}

	}

}
