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

package dev.pingora.samples.ctx;

import java.util.ArrayList;
import java.util.List;

import dev.pingora.autoconfigure.PingoraServerLifecycle;
import dev.pingora.test.RawHttpClient;
import dev.pingora.test.TestOrigin;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CtxApplication}.
 */
class CtxApplicationTests {

	@Test
	void betaUsersGoToTheBetaUpstreamAndTheProxyCountsEveryRequest() {
		try (TestOrigin stable = TestOrigin.hello("stable");
				TestOrigin beta = TestOrigin.hello("beta");
				ConfigurableApplicationContext context = new SpringApplicationBuilder(CtxApplication.class)
					.web(WebApplicationType.NONE)
					.run("--pingora.server.listeners[0].address=127.0.0.1:0", "--pingora.server.threads=1",
							"--sample.upstream=127.0.0.1:" + stable.port(),
							"--sample.beta-upstream=127.0.0.1:" + beta.port());
				RawHttpClient client = new RawHttpClient(
						context.getBean(PingoraServerLifecycle.class).getServer().port())) {
			// One keep-alive connection: each request gets a fresh context.
			List<String> servedBy = new ArrayList<>();
			for (String betaFlag : new String[] { "", "beta-flag: 1\r\n", "", "beta-flag: yes\r\n", "" }) {
				RawHttpClient.Response response = client
					.exchange("GET / HTTP/1.1\r\nHost: localhost\r\n" + betaFlag + "\r\n");
				assertThat(response.status()).isEqualTo(200);
				servedBy.add(response.text());
			}
			assertThat(servedBy).containsExactly("stable", "beta", "stable", "beta", "stable");
			assertThat(stable.requests()).hasSize(3)
				.allSatisfy((request) -> assertThat(request.headers().contains("beta-flag")).isFalse());
			assertThat(beta.requests()).hasSize(2)
				.allSatisfy((request) -> assertThat(request.headers().contains("beta-flag")).isTrue());
			CtxApplication.BetaRoutingProxy proxy = context.getBean(CtxApplication.BetaRoutingProxy.class);
			assertThat(proxy.requests()).isEqualTo(5);
			assertThat(proxy.betaRequests()).isEqualTo(2);
		}
	}

}
