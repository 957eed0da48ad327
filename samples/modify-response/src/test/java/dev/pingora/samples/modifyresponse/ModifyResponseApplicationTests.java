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

package dev.pingora.samples.modifyresponse;

import java.time.Duration;

import dev.pingora.autoconfigure.PingoraServerLifecycle;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ModifyResponseApplication}.
 */
class ModifyResponseApplicationTests {

	private static final String NESTED = "{\"ip\":\"1.2.3.4\",\"client\":{\"agent\":\"curl/8.5\",\"hops\":[1,2,3]},\"ok\":true}";

	private TestOrigin origin;

	private ConfigurableApplicationContext context;

	private RawHttpClient client;

	@BeforeEach
	void start() {
		this.origin = TestOrigin.start((request, response) -> switch (request.uri()) {
			case "/ip" ->
				response.header("Content-Type", "application/json").sendString(Mono.just("{\"ip\": \"1.2.3.4\"}"));
			// Sent chunked, in pieces: the proxy gets the body in several chunks.
			case "/nested" -> response.header("Content-Type", "application/json; charset=utf-8")
				.sendString(Flux.just(NESTED.substring(0, 10), NESTED.substring(10, 30), NESTED.substring(30))
					.delayElements(Duration.ofMillis(5)));
			default -> response.header("Content-Type", "text/plain").sendString(Mono.just("{\"not\": \"json\"}"));
		});
		this.context = new SpringApplicationBuilder(ModifyResponseApplication.class).web(WebApplicationType.NONE)
			.run("--pingora.server.listeners[0].address=127.0.0.1:0", "--pingora.server.threads=1",
					"--sample.upstream=127.0.0.1:" + this.origin.port());
		this.client = new RawHttpClient(this.context.getBean(PingoraServerLifecycle.class).getServer().port());
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.context.close();
		this.origin.close();
	}

	@Test
	void jsonBodyIsRewrittenToYamlAndSentChunked() {
		RawHttpClient.Response response = this.client
			.exchange("GET /ip HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.text()).isEqualTo("ip: 1.2.3.4\n");
		assertThat(response.header("Content-Type")).isEqualTo("application/yaml");
		assertThat(response.header("Content-Length")).isNull();
		assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
		assertThat(this.origin.lastRequest().headers().contains("Accept-Encoding")).isFalse();
		// The framing is right: the connection carries the next request.
		assertThat(this.client.exchange("GET /ip HTTP/1.1\r\nHost: localhost\r\n\r\n").text())
			.isEqualTo("ip: 1.2.3.4\n");
		assertThat(this.origin.connections()).isEqualTo(1);
	}

	@Test
	void jsonBodyInSeveralChunksIsBufferedUntilTheEnd() {
		RawHttpClient.Response response = this.client.exchange("GET /nested HTTP/1.1\r\nHost: localhost\r\n\r\n");
		assertThat(response.status()).isEqualTo(200);
		assertThat(YAMLMapper.shared().readTree(response.text())).isEqualTo(JsonMapper.shared().readTree(NESTED));
		assertThat(response.text()).startsWith("ip: 1.2.3.4\nclient:\n  agent: curl/8.5\n");
	}

	@Test
	void otherBodiesPassUnchanged() {
		RawHttpClient.Response response = this.client.exchange("GET /text HTTP/1.1\r\nHost: localhost\r\n\r\n");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.text()).isEqualTo("{\"not\": \"json\"}");
		assertThat(response.header("Content-Type")).isEqualTo("text/plain");
		assertThat(response.header("Content-Length")).isEqualTo("15");
	}

}
