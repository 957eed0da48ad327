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

package dev.pingora.samples.cache;

import java.time.Duration;

import dev.pingora.autoconfigure.PingoraServerLifecycle;
import dev.pingora.cache.CacheConfig;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CacheApplication}.
 */
class CacheApplicationTests {

	@Test
	void staticFilesAreCachedUnderTheirOwnKeyWithADefaultFreshnessAndPurgedFromLoopback() {
		// The upstream gives an ETag, no freshness: the proxy's ten minutes apply.
		try (TestOrigin origin = TestOrigin.start((request,
				response) -> response.header("ETag", "\"v1\"").sendString(Mono.just("file " + request.path())));
				ConfigurableApplicationContext context = new SpringApplicationBuilder(CacheApplication.class)
					.web(WebApplicationType.NONE)
					.run("--pingora.server.listeners[0].address=127.0.0.1:0", "--pingora.server.threads=1",
							"--sample.upstream=127.0.0.1:" + origin.port());
				RawHttpClient client = new RawHttpClient(
						context.getBean(PingoraServerLifecycle.class).getServer().port())) {
			assertThat(get(client, "/static/app.js?v=3").header("X-Cache-Status")).isEqualTo("miss");
			RawHttpClient.Response hit = get(client, "/static/app.js?utm_source=mail&v=3&utm_medium=x");
			assertThat(hit.header("X-Cache-Status")).isEqualTo("hit");
			assertThat(hit.text()).isEqualTo("file static/app.js");
			assertThat(origin.requests()).hasSize(1);
			assertThat(context.getBean(CacheConfig.class)
				.storage()
				.lookup(dev.pingora.cache.CacheKey.of(io.netty.handler.codec.http.HttpMethod.GET, "http", "localhost",
						"/static/app.js?v=3"))
				.meta()
				.freshFor()).isEqualTo(Duration.ofMinutes(10));
			// Not under /static/: not cached.
			assertThat(get(client, "/api/x").header("X-Cache-Status")).isNull();
			assertThat(client.exchange("PURGE /static/app.js?v=3 HTTP/1.1\r\nHost: localhost\r\n\r\n").status())
				.isEqualTo(200);
			assertThat(get(client, "/static/app.js?v=3").header("X-Cache-Status")).isEqualTo("miss");
			assertThat(origin.requests()).hasSize(3);
		}
	}

	private static RawHttpClient.Response get(RawHttpClient client, String target) {
		return client.exchange("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
	}

}
