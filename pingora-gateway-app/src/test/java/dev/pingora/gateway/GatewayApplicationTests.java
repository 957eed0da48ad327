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

package dev.pingora.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.pingora.autoconfigure.PingoraServerLifecycle;
import dev.pingora.test.Ports;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GatewayApplication}: the default configuration, as a user runs it,
 * proxies to the demo origin and reports itself through Actuator.
 */
class GatewayApplicationTests {

	@Test
	void theDefaultConfigurationRoutesToTheDemoOriginAndActuatorShowsIt() throws Exception {
		int demoPort = Ports.refused();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class).run(
				"--server.port=0", "--pingora.server.listeners[0].address=127.0.0.1:0", "--pingora.server.threads=1",
				"--gateway.demo.port=" + demoPort)) {
			int proxyPort = context.getBean(PingoraServerLifecycle.class).getServer().port();
			int actuatorPort = ((WebServerApplicationContext) context).getWebServer().getPort();
			assertThat(proxyPort).isNotEqualTo(actuatorPort);
			try (RawHttpClient client = new RawHttpClient(proxyPort)) {
				RawHttpClient.Response response = client.exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
				assertThat(response.status()).isEqualTo(200);
				assertThat(response.text()).contains("Hello from the demo origin");
			}

			String health = get(actuatorPort, "/actuator/health");
			assertThat(JsonPath.<String>read(health, "$.components.pingora.status")).isEqualTo("UP");
			assertThat(JsonPath.<List<String>>read(health, "$.components.pingora.details.listening"))
				.containsExactly("/127.0.0.1:" + proxyPort);

			await().untilAsserted(() -> assertThat(get(actuatorPort, "/actuator/prometheus")).contains(
					"pingora_requests_seconds_count{method=\"GET\",route=\"demo\",status=\"2xx\",upstream=\"demo\"} 1")
				.contains("pingora_requests_seconds_bucket")
				.contains("pingora_upstream_connect_seconds_count{upstream=\"demo\"}")
				.contains("pingora_upstream_first_byte_seconds_count{upstream=\"demo\"}")
				.contains(
						"pingora_backend_requests_total{backend=\"127.0.0.1:" + demoPort + "\",upstream=\"demo\"} 1.0")
				.contains("pingora_backend_ready{backend=\"127.0.0.1:" + demoPort + "\",upstream=\"demo\"} 1.0")
				.contains("pingora_upstream_backends{state=\"ready\",upstream=\"demo\"} 1.0"));
			assertThat(JsonPath.<Integer>read(health, "$.components.pingora.details.upstreams.demo.ready")).isOne();

			String pingora = get(actuatorPort, "/actuator/pingora");
			assertThat(JsonPath.<String>read(pingora, "$.proxy")).isEqualTo("routing");
			assertThat(JsonPath.<String>read(pingora, "$.routes[0].id")).isEqualTo("demo");
			assertThat(JsonPath.<String>read(pingora, "$.upstreams.demo.backends[0].address"))
				.isEqualTo("127.0.0.1:" + demoPort);
			assertThat(JsonPath.<String>read(pingora, "$.listeners[0].address")).isEqualTo("127.0.0.1:0");
			assertThat(JsonPath.<String>read(pingora, "$.upstreams.demo.selection")).isEqualTo("round-robin");
			assertThat(JsonPath.<Boolean>read(pingora, "$.upstreams.demo.backends[0].ready")).isTrue();
		}
	}

	@Test
	void theCacheServesHitsPerRouteShowsThemInActuatorAndPurges() throws Exception {
		try (TestOrigin origin = TestOrigin.start((request, response) -> response.header("Cache-Control", "max-age=60")
			.sendString(Mono.just("origin " + request.uri())));
				ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class).run(
						"--server.port=0", "--pingora.server.listeners[0].address=127.0.0.1:0",
						"--pingora.server.threads=1", "--gateway.demo.enabled=false",
						"--pingora.upstreams.demo.backends[0].address=127.0.0.1:" + origin.port(),
						"--pingora.routes[0].id=demo", "--pingora.routes[0].path-prefix=/",
						"--pingora.routes[0].upstream=demo", "--pingora.routes[1].id=live",
						"--pingora.routes[1].path-prefix=/live", "--pingora.routes[1].upstream=demo",
						"--pingora.routes[1].cache=false", "--pingora.cache.enabled=true",
						"--pingora.cache.status-header=X-Cache", "--pingora.cache.purge.enabled=true")) {
			int proxyPort = context.getBean(PingoraServerLifecycle.class).getServer().port();
			int actuatorPort = ((WebServerApplicationContext) context).getWebServer().getPort();
			assertThat(proxy(proxyPort, "GET", "/a").header("X-Cache")).isEqualTo("miss");
			RawHttpClient.Response hit = proxy(proxyPort, "GET", "/a");
			assertThat(hit.header("X-Cache")).isEqualTo("hit");
			assertThat(hit.text()).isEqualTo("origin /a");
			// The route that opts out is proxied every time.
			assertThat(proxy(proxyPort, "GET", "/live/b").header("X-Cache")).isNull();
			assertThat(proxy(proxyPort, "GET", "/live/b").header("X-Cache")).isNull();
			assertThat(origin.requests()).hasSize(3);

			await().untilAsserted(() -> {
				String pingora = get(actuatorPort, "/actuator/pingora");
				assertThat(JsonPath.<Integer>read(pingora, "$.cache.phases.hit")).isOne();
				assertThat(JsonPath.<Integer>read(pingora, "$.cache.entries")).isOne();
				assertThat(get(actuatorPort, "/actuator/prometheus"))
					.contains("pingora_cache_requests_total{phase=\"hit\"} 1.0")
					.contains("pingora_cache_requests_total{phase=\"miss\"} 1.0")
					.contains("pingora_cache_entries 1.0");
			});

			String key = URLEncoder.encode("GET http://localhost/a", StandardCharsets.UTF_8).replace("+", "%20");
			assertThat(delete(actuatorPort, "/actuator/pingora/cache/" + key)).isEqualTo(200);
			assertThat(delete(actuatorPort, "/actuator/pingora/cache/" + key)).isEqualTo(404);
			assertThat(proxy(proxyPort, "GET", "/a").header("X-Cache")).isEqualTo("miss");
			// PURGE on the proxy port, from an allowed address (loopback by default).
			assertThat(proxy(proxyPort, "PURGE", "/a").status()).isEqualTo(200);
			assertThat(proxy(proxyPort, "PURGE", "/a").status()).isEqualTo(404);
			assertThat(origin.requests()).hasSize(4);
		}
	}

	private static RawHttpClient.Response proxy(int port, String method, String path) {
		try (RawHttpClient client = new RawHttpClient(port)) {
			return client.exchange(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
		}
	}

	private static int delete(int port, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).DELETE().build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	@Test
	void theExampleConfigurationStarts() throws Exception {
		// The example's health checks are turned off: its backends are not on this
		// machine.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayApplication.class).run(
				"--spring.config.additional-location=file:examples/application.yml", "--server.port=0",
				"--pingora.server.listeners[0].address=127.0.0.1:0", "--pingora.server.threads=1",
				"--pingora.upstreams.api.health-check.type=", "--pingora.upstreams.sessions.health-check.type=")) {
			int actuatorPort = ((WebServerApplicationContext) context).getWebServer().getPort();
			String pingora = get(actuatorPort, "/actuator/pingora");
			assertThat(JsonPath.<String>read(pingora, "$.upstreams.api.selection")).isEqualTo("least-request");
			assertThat(JsonPath.<String>read(pingora, "$.upstreams.sessions.selection")).isEqualTo("consistent");
			assertThat(JsonPath.<String>read(pingora, "$.upstreams.sessions.hashKey")).isEqualTo("cookie:SESSION");
			assertThat(JsonPath.<List<String>>read(pingora, "$.upstreams.sessions.backends[*].address"))
				.containsExactly("10.0.0.21:8080", "10.0.0.22:8080");
			assertThat(JsonPath.<List<Integer>>read(pingora, "$.upstreams.sessions.backends[*].weight"))
				.containsExactly(1, 2);
		}
	}

	@Test
	void theProxyRefusesToShareThePortOfTheActuatorWebServer() {
		int port = Ports.refused();
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=" + port,
					"--pingora.server.listeners[0].address=127.0.0.1:" + port, "--gateway.demo.enabled=false"))
			.havingRootCause()
			.withMessageContaining("pingora.server.listeners[0].address")
			.withMessageContaining("server.port=" + port);
	}

	private static String get(int port, String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

}
