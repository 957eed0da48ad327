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

package dev.pingora.samples.yamlgateway;

import dev.pingora.autoconfigure.PingoraServerLifecycle;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link YamlGatewayApplication}: its {@code application.yml}, with the backend
 * addresses pointed at test origins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class YamlGatewayApplicationTests {

	private TestOrigin api;

	private TestOrigin web;

	private ConfigurableApplicationContext context;

	@BeforeAll
	void start() {
		this.api = TestOrigin.start((request, response) -> response.header("Server", "api-origin")
			.header("Content-Type", "text/plain")
			.sendString(Mono.just("api " + request.uri())));
		this.web = TestOrigin.start((request, response) -> response.header("Server", "web-origin")
			.header("Content-Type", "text/plain")
			.sendString(Mono.just("web " + request.uri())));
		this.context = new SpringApplicationBuilder(YamlGatewayApplication.class).web(WebApplicationType.NONE)
			.run("--pingora.server.listeners[0].address=127.0.0.1:0", "--pingora.server.threads=1",
					"--pingora.upstreams.api.backends[0].address=127.0.0.1:" + this.api.port(),
					"--pingora.upstreams.web.backends[0].address=127.0.0.1:" + this.web.port());
	}

	@AfterAll
	void stop() {
		this.context.close();
		this.api.close();
		this.web.close();
	}

	@Test
	void pathPrefixRouteStripsThePrefixAndAppliesTheHeaderRules() {
		try (RawHttpClient client = client()) {
			RawHttpClient.Response response = client.exchange("GET /api/users?page=2 HTTP/1.1\r\nHost: localhost\r\n"
					+ "Cookie: session=secret\r\nX-Gateway: client\r\nX-Trace: 42\r\n\r\n");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("api /users?page=2");
			assertThat(response.header("X-Route")).isEqualTo("api");
			assertThat(response.header("Server")).isNull();
			TestOrigin.Recorded request = this.api.lastRequest();
			assertThat(request.headers().getAll("X-Gateway")).containsExactly("pingora");
			assertThat(request.headers().contains("Cookie")).isFalse();
			assertThat(request.headers().get("X-Trace")).isEqualTo("42");

			assertThat(client.exchange("GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n").text()).isEqualTo("api /");
		}
	}

	@Test
	void hostRouteComesBeforePathPrefixesAndKeepsThePath() {
		try (RawHttpClient client = client()) {
			RawHttpClient.Response response = client
				.exchange("GET /api/users HTTP/1.1\r\nHost: api.example.com\r\nCookie: session=secret\r\n\r\n");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("api /api/users");
			assertThat(response.header("X-Route")).isNull();
			assertThat(response.header("Server")).isEqualTo("api-origin");
			TestOrigin.Recorded request = this.api.lastRequest();
			assertThat(request.headers().get("X-Gateway")).isEqualTo("pingora");
			assertThat(request.headers().get("Cookie")).isEqualTo("session=secret");
		}
	}

	@Test
	void everythingElseGoesToTheWebUpstreamUnchanged() {
		try (RawHttpClient client = client()) {
			RawHttpClient.Response response = client.exchange("GET /apis HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("web /apis");
			assertThat(response.header("Server")).isEqualTo("web-origin");
			assertThat(this.web.lastRequest().headers().contains("X-Gateway")).isFalse();
			assertThat(client.exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").text()).isEqualTo("web /");
		}
	}

	private RawHttpClient client() {
		return new RawHttpClient(this.context.getBean(PingoraServerLifecycle.class).getServer().port());
	}

}
